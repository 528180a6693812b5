// The body of `parley-operator dev`: start the local cluster, seed it, run the operator in-process, print each
// ChatDeployment's URLs once a pod behind it answers, and on Ctrl+C stop the operator, then every pod's process.
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Parley.LocalCluster;

namespace Parley.Operator.Cli;

/// <summary>Runs ChatDeployments on a local cluster until stopped.</summary>
public static class DevRun
{
    // How often the cluster is looked at while waiting for a ChatDeployment's first ready pod.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static async Task<int> RunAsync(
        IReadOnlyList<JsonObject> chats, IReadOnlyList<JsonObject> nodes, bool isVerbose, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chats);
        ArgumentNullException.ThrowIfNull(output);
        using var signals = new ShutdownSignals(cancellationToken);
        var stopping = signals.Token;
        using var loggers = LoggerFactory.Create(builder => builder.AddSimpleConsole().SetMinimumLevel(isVerbose ? LogLevel.Information : LogLevel.Warning));
        var cluster = await LocalClusterHost.StartAsync(new LocalClusterOptions
        {
            Nodes = nodes,
            ContainerLog = isVerbose ? (pod, line) => output.WriteLine($"[{pod}] {line}") : null,
        }, stopping).ConfigureAwait(false);
        try
        {
            LocalOperator.Apply(cluster, chats);
            output.WriteLine($"Kubernetes API (in memory): {cluster.Api.Url}");
            await using var controller = LocalOperator.Start(cluster, loggers);
            await PrintEndpointsAsync(cluster, chats, output, error, stopping).ConfigureAwait(false);
            await controller.Running.WaitAsync(stopping).ConfigureAwait(false); // until Ctrl+C, or the operator's own failure
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Ctrl+C while waiting: stop as usual.
        }
        finally
        {
            output.WriteLine("Stopping: every pod's process gets SIGTERM.");
            await cluster.DisposeAsync().ConfigureAwait(false);
        }

        output.WriteLine("Stopped.");
        return 0;
    }

    /// <summary>For each ChatDeployment, waits for a ready pod behind its API Service (the router's, when routing is on)
    /// or else its worker Service, and prints the URLs; prints each new reason it is not ready meanwhile.</summary>
    private static async Task PrintEndpointsAsync(LocalClusterHost cluster, IReadOnlyList<JsonObject> chats, TextWriter output, TextWriter error, CancellationToken stopping)
    {
        foreach (var chat in chats)
        {
            var name = chat["metadata"]!["name"]!.GetValue<string>();
            var ns = chat["metadata"]!["namespace"]?.GetValue<string>() ?? LocalOperator.DefaultNamespace;
            string? lastReason = null;
            Uri? endpoint;
            while ((endpoint = cluster.Services.Find(ns, name) ?? cluster.Services.Find(ns, name + "-worker")) is null)
            {
                if (ReadyMessage(cluster, ns, name) is { } reason && reason != lastReason)
                {
                    error.WriteLine($"{ns}/{name}: {reason}");
                    lastReason = reason;
                }

                await Task.Delay(PollInterval, stopping).ConfigureAwait(false);
            }

            output.WriteLine($"ChatDeployment {ns}/{name} is serving.");
            output.WriteLine($"  Chat page: {endpoint}");
            output.WriteLine($"  API:       {new Uri(endpoint, "/v1")}");
            if (LocalOperator.ApiKey(cluster, ns, name) is { } key)
            {
                output.WriteLine($"  API key:   {key}");
            }
        }

        output.WriteLine("Press Ctrl+C to stop.");
        output.Flush();
    }

    private static string? ReadyMessage(LocalClusterHost cluster, string ns, string name)
    {
        var conditions = cluster.Api.Store.Get("chatdeployments.parley.dev", ns, name)?["status"]?["conditions"]?.AsArray();
        var ready = conditions?.FirstOrDefault(condition => condition?["type"]?.GetValue<string>() == "Ready");
        return ready?["reason"] is { } reason ? $"{reason.GetValue<string>()}: {ready["message"]?.GetValue<string>()}" : null;
    }
}
