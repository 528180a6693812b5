// One worker, one finished completion (3 tokens after a short prompt), one scrape: what every test of the request
// metrics reads. Parsing is by line, as Prometheus reads the text format.
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Parley.Worker.Tests.Metrics;

public sealed class ScrapedWorker : IAsyncLifetime
{
    public const int MaxTokens = 3;

    public string Scrape { get; private set; } = "";
    public int PromptTokens { get; private set; }

    public async Task InitializeAsync()
    {
        await using var worker = await RunningWorker.StartAsync();
        using var response = await worker.Http.PostAsJsonAsync(new Uri("/v1/completions", UriKind.Relative),
            new JsonObject { ["model"] = RunningWorker.ModelName, ["prompt"] = "Hello there", ["max_tokens"] = MaxTokens, ["ignore_eos"] = true });
        response.EnsureSuccessStatusCode();
        PromptTokens = (await response.Content.ReadFromJsonAsync<JsonNode>())!["usage"]!["prompt_tokens"]!.GetValue<int>();
        Scrape = await worker.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The value of the one sample named <paramref name="name"/> (with its labels, if any, after it).</summary>
    public double Value(string name)
    {
        var line = Samples(name).Should().ContainSingle($"{name} has one series").Subject;
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>The finite upper bounds of a histogram's buckets.</summary>
    public double[] Buckets(string family) =>
        Samples(family + "_bucket").Select(line => line[(line.IndexOf("le=\"", StringComparison.Ordinal) + 4)..])
            .Select(rest => rest[..rest.IndexOf('"', StringComparison.Ordinal)]).Where(le => le != "+Inf")
            .Select(le => double.Parse(le, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Sample lines of one series name.</summary>
    public IEnumerable<string> Samples(string name) =>
        Scrape.Split('\n').Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal));
}
