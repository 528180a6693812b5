// A worker serving the tiny model with two adapters written for it (sql: rank 8 on every projection; chat: rank 4 on
// q and v), greedy requests that say which model they name, and reads of the answers.
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Parley.Testing.Models;

namespace Parley.Worker.Tests.Lora;

internal sealed class LoraWorker : IAsyncDisposable
{
    private readonly List<TinyLoraFolder> _folders = [];

    private LoraWorker()
    {
    }

    public RunningWorker Worker { get; private set; } = null!;

    /// <summary>The folder of each adapter written for the worker's model, by name.</summary>
    public Dictionary<string, string> Folders { get; } = [];

    /// <param name="configure">Adjusts the options last.</param>
    /// <param name="modules">The adapters given as --lora-modules; sql and chat when null.</param>
    public static async Task<LoraWorker> StartAsync(Func<WorkerOptions, WorkerOptions>? configure = null, string[]? modules = null)
    {
        var lora = new LoraWorker();
        lora.Worker = await RunningWorker.StartAsync(options =>
        {
            lora.Write(options.Model, "sql", new TinyLoraSpec(), seed: 1);
            lora.Write(options.Model, "chat", new TinyLoraSpec { Rank = 4, TargetModules = ["q_proj", "v_proj"] }, seed: 2);
            lora.Write(options.Model, "late", new TinyLoraSpec { Rank = 8, TargetModules = ["o_proj", "down_proj"] }, seed: 3);
            options = options with
            {
                EnableLora = true,
                MaxLoras = 2,
                LoraModules = (modules ?? ["sql", "chat"]).Select(name => new LoraModulePath(name, lora.Folders[name])).ToList(),
            };
            return configure?.Invoke(options) ?? options;
        });
        return lora;
    }

    /// <summary>The completion's text and the model it reports, greedy and <paramref name="maxTokens"/> long.</summary>
    public async Task<(string Text, string Model)> CompleteAsync(string model, string prompt, int maxTokens = 8)
    {
        var answer = await Worker.PostJsonAsync("/v1/completions", new JsonObject
        {
            ["model"] = model, ["prompt"] = prompt, ["max_tokens"] = maxTokens, ["temperature"] = 0, ["ignore_eos"] = true, ["return_token_ids"] = true,
        });
        return (answer["choices"]![0]!["token_ids"]!.ToJsonString(), answer["model"]!.GetValue<string>());
    }

    public async Task<(int Status, string Body)> PostAsync(string path, JsonObject body)
    {
        using var response = await Worker.Http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await Worker.DisposeAsync();
        _folders.ForEach(folder => folder.Dispose());
    }

    private void Write(string model, string name, TinyLoraSpec spec, int seed)
    {
        var folder = new TinyLoraFolder(model, spec, seed);
        _folders.Add(folder);
        Folders[name] = folder.Path;
    }
}
