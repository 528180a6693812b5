// The worker's own time to first token, from its vllm:time_to_first_token_seconds histogram: from the moment its
// request handler starts a generation to the first token. Read after a fresh worker's first request, the histogram's
// sum is that one request, which splits "router + prefill" into the worker's part and the rest (the EndpointSlice
// reaching the router, the held request forwarded, the stream back to the client).
using System.Globalization;

namespace Parley.Cluster.Bench;

/// <summary>Reads a worker's summed time to first token from its /metrics.</summary>
internal static class WorkerFirstToken
{
    private const string SumPrefix = "vllm:time_to_first_token_seconds_sum";

    public static async Task<TimeSpan> SumAsync(HttpClient http, int port)
    {
        var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics")).ConfigureAwait(false);
        var seconds = metrics.Split('\n')
            .Where(line => line.StartsWith(SumPrefix, StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        return TimeSpan.FromSeconds(seconds);
    }
}
