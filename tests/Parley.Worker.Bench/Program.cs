// A load run, not a test: C concurrent clients stream chat completions from a worker for D seconds, each starting a
// new request when its previous one ends. Every stream must end with [DONE] and no request may fail. Prints time to
// first token and inter-token latency percentiles (client-side, per SSE chunk) and total generated tokens/s.
// With --drop-percent P, that share of streams is abandoned mid-answer (the client closes the connection); the worker
// must then free everything: once the run ends, running and waiting requests and KV cache usage, read from /metrics,
// must all return to 0.
//
//   dotnet run -c Release --project tests/Parley.Worker.Bench -- [--clients 32] [--seconds 30] [--max-tokens 64] [--drop-percent 0] [--url http://host:8000]
// Without --url it starts a worker in-process on the demo model (random weights).
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Parley.Testing;
using Parley.Worker;
using Parley.Worker.Hosting;

var clients = Option("--clients", 32);
var seconds = Option("--seconds", 30);
var maxTokens = Option("--max-tokens", 64);
var dropPercent = Option("--drop-percent", 0);
var url = args.SkipWhile(arg => arg != "--url").Skip(1).FirstOrDefault();

Microsoft.AspNetCore.Builder.WebApplication? app = null;
if (url is null)
{
    var port = LoopbackPort.Free();
    app = WorkerApp.Build(new WorkerOptions { Model = "demo", Host = "127.0.0.1", Port = port, MaxNumSeqs = clients, MaxNumBatchedTokens = 2048 });
    await app.StartAsync();
    url = $"http://127.0.0.1:{port}";
}

using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
while (!(await http.GetAsync(new Uri("/health", UriKind.Relative))).IsSuccessStatusCode)
{
    await Task.Delay(100);
}

var model = JsonNode.Parse(await http.GetStringAsync(new Uri("/v1/models", UriKind.Relative)))!["data"]![0]!["id"]!.GetValue<string>();
var firstTokens = new List<double>();
var gaps = new List<double>();
long tokens = 0, requests = 0, errors = 0, unterminated = 0, dropped = 0;
var deadline = DateTime.UtcNow.AddSeconds(seconds);
var clock = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
{
    var random = new Random(client);
    while (DateTime.UtcNow < deadline)
    {
        int? dropAfter = random.Next(100) < dropPercent ? 1 + random.Next(Math.Max(1, maxTokens / 2)) : null;
        var result = await StreamOnce(client, dropAfter);
        lock (gaps)
        {
            requests++;
            dropped += dropAfter is null ? 0 : 1;
            errors += result.Failed ? 1 : 0;
            unterminated += result.Done || result.Failed ? 0 : 1;
            tokens += result.Tokens;
            if (result.FirstToken is { } first)
            {
                firstTokens.Add(first);
            }

            gaps.AddRange(result.Gaps);
        }
    }
})));
var elapsed = clock.Elapsed.TotalSeconds;

Console.WriteLine($"{clients} clients, {seconds} s, max_tokens {maxTokens}, model {model} at {url}, {Environment.ProcessorCount} cores");
Console.WriteLine($"requests {requests}, errors {errors}, streams without [DONE] {unterminated}, dropped by the client {dropped}");
Console.WriteLine($"time to first token   p50 {Percentile(firstTokens, 50) * 1000:0.0} ms   p95 {Percentile(firstTokens, 95) * 1000:0.0} ms");
Console.WriteLine($"inter-token latency   p50 {Percentile(gaps, 50) * 1000:0.0} ms   p95 {Percentile(gaps, 95) * 1000:0.0} ms");
Console.WriteLine($"throughput            {tokens / elapsed:0.0} generated tokens/s");
var settled = await SettledAsync();
Console.WriteLine($"after the run         running {settled.Running}, waiting {settled.Waiting}, KV cache usage {settled.KvUsage:0.####}");
if (app is not null)
{
    await app.StopAsync();
}

return errors == 0 && unterminated == 0 && settled is { Running: 0, Waiting: 0, KvUsage: 0 } ? 0 : 1;

// The worker's gauges once the aborts of dropped streams have reached the engine (a few steps at most).
async Task<(double Running, double Waiting, double KvUsage)> SettledAsync()
{
    (double, double, double) gauges = default;
    for (var attempt = 0; attempt < 100; attempt++)
    {
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        gauges = (Gauge(metrics, "vllm:num_requests_running"), Gauge(metrics, "vllm:num_requests_waiting"), Gauge(metrics, "vllm:kv_cache_usage_perc"));
        if (gauges == (0, 0, 0))
        {
            break;
        }

        await Task.Delay(100);
    }

    return gauges;
}

static double Gauge(string metrics, string name) => metrics.Split('\n')
    .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
    .Select(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture))
    .DefaultIfEmpty(double.NaN).Sum();

async Task<(bool Failed, bool Done, long Tokens, double? FirstToken, List<double> Gaps)> StreamOnce(int client, int? dropAfter)
{
    var body = new JsonObject
    {
        ["model"] = model,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"Client {client} says hello at {DateTime.UtcNow:O}" }),
        ["max_tokens"] = maxTokens,
        ["stream"] = true,
        ["stream_options"] = new JsonObject { ["include_usage"] = true },
    };
    var gapsOfRequest = new List<double>();
    double? firstToken = null;
    long generated = 0;
    var done = false;
    try
    {
        var start = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative)) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            return (true, false, 0, null, gapsOfRequest);
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var last = 0.0;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            var data = line["data: ".Length..];
            if (data == "[DONE]")
            {
                done = true;
                break;
            }

            var chunk = JsonNode.Parse(data)!;
            if (chunk["usage"] is { } usage)
            {
                generated = usage["completion_tokens"]!.GetValue<long>();
                continue;
            }

            if (chunk["choices"]![0]!["delta"]!["role"] is not null)
            {
                continue;
            }

            var now = start.Elapsed.TotalSeconds;
            if (dropAfter is { } chunks && gapsOfRequest.Count + 1 >= chunks)
            {
                return (false, true, 0, firstToken ?? now, gapsOfRequest); // leaving closes the connection mid-stream
            }

            if (firstToken is null)
            {
                firstToken = now;
            }
            else
            {
                gapsOfRequest.Add(now - last);
            }

            last = now;
        }
    }
    catch (HttpRequestException)
    {
        return (true, false, 0, null, gapsOfRequest);
    }

    return (false, done, generated, firstToken, gapsOfRequest);
}

static double Percentile(List<double> values, double percent)
{
    if (values.Count == 0)
    {
        return double.NaN;
    }

    var sorted = values.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(percent / 100 * sorted.Count) - 1)];
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
