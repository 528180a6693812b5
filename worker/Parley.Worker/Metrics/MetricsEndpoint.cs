// GET /metrics in Prometheus text format, with the vllm_ prefix of the collectors written as vLLM's vllm: (see
// WorkerMetrics). Only the metric name at the start of a sample line and in # HELP / # TYPE lines is rewritten;
// label values and help text are left alone.
using System.Text;
using Microsoft.AspNetCore.Http;
using Prometheus;

namespace Parley.Worker.Metrics;

/// <summary>Serves the worker's metrics under vLLM's names.</summary>
public static class MetricsEndpoint
{
    private const string Registered = "vllm_";
    private const string Exported = "vllm:";

    public static async Task ServeAsync(HttpContext context, WorkerMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metrics);
        using var buffer = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await context.Response.WriteAsync(VllmNames(Encoding.UTF8.GetString(buffer.ToArray())), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Rewrites vllm_ metric names to vllm: in a text exposition.</summary>
    public static string VllmNames(string exposition)
    {
        ArgumentNullException.ThrowIfNull(exposition);
        var output = new StringBuilder(exposition.Length);
        foreach (var line in exposition.Split('\n'))
        {
            output.Append(line switch
            {
                _ when line.StartsWith(Registered, StringComparison.Ordinal) => Exported + line[Registered.Length..],
                _ when line.StartsWith("# HELP " + Registered, StringComparison.Ordinal) => "# HELP " + Exported + line[("# HELP " + Registered).Length..],
                _ when line.StartsWith("# TYPE " + Registered, StringComparison.Ordinal) => "# TYPE " + Exported + line[("# TYPE " + Registered).Length..],
                _ => line,
            }).Append('\n');
        }

        return output.ToString(0, Math.Max(0, output.Length - 1));
    }
}
