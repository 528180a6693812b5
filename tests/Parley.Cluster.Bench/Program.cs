// The scale-from-zero benchmark; printed figures, nothing asserted. On the local cluster (in-memory Kubernetes API,
// the kubelet stand-in running pods as local processes) with the operator in this process, one ChatDeployment of the
// demo model behind the router, autoscaled with minReplicas 0, maxReplicas 1 and a short scaleToZeroAfter. Each round
// waits until the worker Deployment is at 0 replicas and no worker process is left, sends one streamed chat request
// through the router, and splits its time to first token into
//   scale decision   request sent -> worker Deployment spec.replicas 1, split at the router's wake annotation
//                       (router holds the request and patches the ChatDeployment; the operator's watch scales;
//                       negative when the operator's periodic load reading scaled before the annotation arrived)
//   pod start        -> worker process spawned (kubelet sync loop, every 100 ms)
//   model load       -> worker answers /health 200 (kubelet probe, every 200 ms: Ready up to 200 ms late)
//   router + prefill -> first token event at the client (EndpointSlice -> router watch -> held request released),
//                       split by the worker's own time to first token (vllm:time_to_first_token_seconds) from the rest
// then sends the same request again to the warm worker for comparison.
// Run from the repository root (about 40 s at the defaults on 2 busy cores):
//   dotnet build -c Release tests/Parley.Cluster.Bench
//   dotnet run -c Release --no-build --project tests/Parley.Cluster.Bench -- [--rounds 5] [--scale-to-zero-after 3]
// The router and worker processes are the parley-router.dll and parley-worker.dll built next to the bench.
using System.Diagnostics;
using System.Globalization;
using Parley.Cluster.Bench;
using Parley.LocalCluster.Kubelet;

var rounds = Number("--rounds", 5);
ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1, "--rounds");
var scaleToZeroAfter = TimeSpan.FromSeconds(Number("--scale-to-zero-after", 3));
var kubelet = new LocalKubeletOptions();
Console.WriteLine($"{Environment.ProcessorCount} cores; load average {LoadAverage()} at start; {DateTime.UtcNow:u}");
Console.WriteLine($"kubelet sync every {kubelet.SyncInterval.TotalMilliseconds} ms, probe every {kubelet.ProbeInterval.TotalMilliseconds} ms; " +
    $"autoscaler reads every {BenchCluster.AutoscaleInterval.TotalMilliseconds} ms; scaleToZeroAfter {scaleToZeroAfter.TotalSeconds} s");

var clock = Stopwatch.StartNew();
await using var cluster = await BenchCluster.StartAsync(scaleToZeroAfter);
var starts = new List<ColdStart>();
for (var round = 1; round <= rounds; round++)
{
    await WaitForZeroAsync(cluster);
    var start = await ColdStartAsync(cluster, $"round {round}: wake up and say something");
    PhaseTable.PrintRound(round, start);
    starts.Add(start);
}

PhaseTable.PrintSummary(starts);
Console.WriteLine($"\n{clock.Elapsed.TotalSeconds:0} s in all; load average {LoadAverage()} at the end");
return 0;

static async Task WaitForZeroAsync(BenchCluster cluster)
{
    try
    {
        await cluster.WaitForZeroAsync(TimeSpan.FromMinutes(1));
    }
    catch (OperationCanceledException)
    {
        throw new TimeoutException($"The cluster did not scale to zero within a minute: {cluster.Describe()}");
    }
}

static async Task<ColdStart> ColdStartAsync(BenchCluster cluster, string prompt)
{
    using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3)); // ends the watch if the request fails
    var woken = ScaleWatch.WhenWokenAsync(cluster, stop.Token);
    var scaled = ScaleWatch.WhenScaledUpAsync(cluster, stop.Token);
    var (sentAt, firstTokenAt) = await FirstTokenRequest.SendAsync(cluster.Http, BenchCluster.ChatUrl, cluster.Authorization, prompt);
    var (wokenAt, scaledAt) = (await woken, await scaled);
    var worker = cluster.Workers.Single(pod => pod.State.StartedAt > sentAt).State;
    var workerFirstToken = await WorkerFirstToken.SumAsync(cluster.Http, worker.Port!.Value);
    var warm = await FirstTokenRequest.SendAsync(cluster.Http, BenchCluster.ChatUrl, cluster.Authorization, prompt);
    return new ColdStart(sentAt, wokenAt, scaledAt, worker.StartedAt!.Value, worker.ReadySince!.Value, firstTokenAt, workerFirstToken, warm.FirstTokenAt - warm.SentAt);
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

int Number(string flag, int fallback)
{
    var index = Array.IndexOf(args, flag);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
