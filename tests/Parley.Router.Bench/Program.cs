// Router benchmarks; printed figures, nothing asserted.
//   (a) affinity against round-robin: three `parley-worker --model demo` processes (prefix caching on) behind two routers,
//       one per policy; the same shape of multi-turn chat trace (C conversations x T turns, each with its own long system
//       prompt and a growing history, K concurrent clients) is replayed through each with different conversations, and
//       the workers' vllm:prefix_cache_hits_total / vllm:prefix_cache_queries_total deltas give each policy's hit rate,
//       printed with time to first token side by side.
//   (b) router overhead: S concurrent streams straight to one worker, then through a router in front of that worker alone,
//       R rounds each, alternating; the router's added time to first token per request and added gap per streamed event.
// Run from the repository root (2 cores: each part stays under about 3 minutes at the defaults):
//   dotnet build -c Release tests/Parley.Router.Bench
//   dotnet run -c Release --no-build --project tests/Parley.Router.Bench -- [--part affinity|overhead|both]
//       [--conversations 50] [--turns 5] [--clients 4] [--system-chars 1500] [--max-tokens 8]
//       [--streams 64] [--stream-tokens 32] [--rounds 2] [--threads 1]
// The routers run in this process; the workers are separate processes started from worker/Parley.Worker/bin/Release.
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Parley.Router;
using Parley.Router.Bench;
using Parley.Router.Hosting;
using Parley.Router.Load;
using Parley.Router.Routing;
using Parley.Testing;

var part = Text("--part", "both");
var conversations = Number("--conversations", 50);
var turns = Number("--turns", 5);
var clients = Number("--clients", 4);
var systemChars = Number("--system-chars", 1500);
var maxTokens = Number("--max-tokens", 8);
var streams = Number("--streams", 64);
var streamTokens = Number("--stream-tokens", 32);
var rounds = Number("--rounds", 2);
var threads = Number("--threads", 1);

Console.WriteLine($"{Environment.ProcessorCount} cores; worker threads {threads}; {DateTime.UtcNow:u}");
var workers = new List<WorkerProcess>();
try
{
    var workerCount = part == "overhead" ? 1 : 3;
    for (var i = 0; i < workerCount; i++)
    {
        workers.Add(await WorkerProcess.StartAsync("Release", threads, Math.Max(streams, 16)));
    }

    if (part is "affinity" or "both")
    {
        await CompareAffinityAsync();
    }

    if (part is "overhead" or "both")
    {
        await MeasureOverheadAsync();
    }
}
finally
{
    foreach (var worker in workers)
    {
        await worker.DisposeAsync();
    }
}

return 0;

async Task CompareAffinityAsync()
{
    Console.WriteLine($"(a) {conversations} conversations x {turns} turns, {clients} clients, system prompts of {systemChars} chars, max_tokens {maxTokens}, 3 workers");
    Console.WriteLine($"    {"policy",-12} {"prefix hit",10}   {"TTFT all turns",-32} {"TTFT turns 2+",-32} {"wall",6}");
    var seed = 1;
    foreach (var policy in new[] { RoutingPolicy.Affinity, RoutingPolicy.RoundRobin })
    {
        await using var router = await StartRouterAsync(workers.Select(w => w.Url), policy);
        using var http = Client(router.Url);
        var before = await PrefixCountersAsync();
        var clock = Stopwatch.StartNew();
        // Different conversations per policy: the first run's prompts must not be in the caches the second run reads.
        var result = await new ChatTrace(conversations, turns, systemChars, seed++).ReplayAsync(http, clients, maxTokens);
        var after = await PrefixCountersAsync();
        var hitRate = (after.Hits - before.Hits) / Math.Max(1, after.Queries - before.Queries);
        Console.WriteLine($"    {(policy == RoutingPolicy.Affinity ? "affinity" : "round-robin"),-12} {hitRate,10:P1}   {Percentiles.Milliseconds(result.FirstTokens),-32} {Percentiles.Milliseconds(result.LaterFirstTokens),-32} {clock.Elapsed.TotalSeconds,5:0}s");
    }
}

async Task MeasureOverheadAsync()
{
    Console.WriteLine($"(b) {streams} concurrent streams x {rounds} rounds, max_tokens {streamTokens}, one worker");
    await using var router = await StartRouterAsync([workers[0].Url], RoutingPolicy.Affinity);
    using var direct = Client(workers[0].Url);
    using var routed = Client(router.Url);
    await RunStreamsAsync(direct, 1); // warm both paths: JIT, connection pools
    await RunStreamsAsync(routed, 1);
    // Rounds alternate between the paths, so that load from elsewhere on the machine falls on both alike.
    List<double> directFirst = [], directGaps = [], routedFirst = [], routedGaps = [];
    for (var round = 0; round < rounds; round++)
    {
        var (first, gaps) = await RunStreamsAsync(direct, 1);
        directFirst.AddRange(first);
        directGaps.AddRange(gaps);
        (first, gaps) = await RunStreamsAsync(routed, 1);
        routedFirst.AddRange(first);
        routedGaps.AddRange(gaps);
    }

    Console.WriteLine($"    {"path",-8} {"TTFT",-32} {"gap between events",-32}");
    Console.WriteLine($"    {"direct",-8} {Percentiles.Milliseconds(directFirst),-32} {Percentiles.Milliseconds(directGaps),-32}");
    Console.WriteLine($"    {"router",-8} {Percentiles.Milliseconds(routedFirst),-32} {Percentiles.Milliseconds(routedGaps),-32}");
    Console.WriteLine($"    added by the router: TTFT p50 {Delta(routedFirst, directFirst, 50)} ms, p95 {Delta(routedFirst, directFirst, 95)} ms; " +
        $"per event p50 {Delta(routedGaps, directGaps, 50)} ms, p95 {Delta(routedGaps, directGaps, 95)} ms");
}

async Task<(List<double> FirstTokens, List<double> Gaps)> RunStreamsAsync(HttpClient http, int roundCount)
{
    var firstTokens = new List<double>();
    var gaps = new List<double>();
    for (var round = 0; round < roundCount; round++)
    {
        var timings = await Task.WhenAll(Enumerable.Range(0, streams).Select(stream => StreamTiming.RunAsync(http,
            [new System.Text.Json.Nodes.JsonObject { ["role"] = "user", ["content"] = $"Stream {stream} of round {round}: tell me about routers." }], streamTokens)));
        firstTokens.AddRange(timings.Select(t => t.FirstTokenSeconds));
        gaps.AddRange(timings.SelectMany(t => t.GapSeconds));
    }

    return (firstTokens, gaps);
}

async Task<(double Hits, double Queries)> PrefixCountersAsync()
{
    double hits = 0, queries = 0;
    foreach (var worker in workers)
    {
        using var http = Client(worker.Url);
        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        hits += PrometheusText.Sum(text, "vllm:prefix_cache_hits_total") ?? 0;
        queries += PrometheusText.Sum(text, "vllm:prefix_cache_queries_total") ?? 0;
    }

    return (hits, queries);
}

static async Task<BenchRouter> StartRouterAsync(IEnumerable<Uri> backends, RoutingPolicy policy)
{
    var options = new RouterOptions { Host = "127.0.0.1", Port = LoopbackPort.Free(), Backends = [.. backends], Policy = policy };
    var app = RouterApp.Build(options);
    await app.StartAsync();
    return new BenchRouter(app, new Uri($"http://127.0.0.1:{options.Port}"));
}

static HttpClient Client(Uri url) => new(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 }) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };

static string Delta(List<double> routed, List<double> direct, double percentile) =>
    ((Percentiles.Of(routed, percentile) - Percentiles.Of(direct, percentile)) * 1000).ToString("+0.00;-0.00", System.Globalization.CultureInfo.InvariantCulture);

int Number(string flag, int fallback) => args.SkipWhile(a => a != flag).Skip(1).FirstOrDefault() is { } value ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;

string Text(string flag, string fallback) => args.SkipWhile(a => a != flag).Skip(1).FirstOrDefault() ?? fallback;

/// <summary>A router in this process and its URL.</summary>
internal sealed record BenchRouter(WebApplication App, Uri Url) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
