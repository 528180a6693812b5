using Parley.Testing;

namespace Parley.Worker.Tests.Http.Tools;

/// <summary>Tiny workers for tool tests: one whose chat template renders tools in Hermes style (Qwen2.5's own
/// template), one with the tiny model's plain ChatML template, which shows no tools.</summary>
public static class ToolWorkers
{
    public const string QwenTemplate = "tests/Parley.Engine.Tests/Golden/ChatTemplates/templates/qwen2.5-instruct.jinja";

    /// <summary>A worker serving the tiny model with Qwen2.5's template (Hermes tool calls), with room for 26 tools.</summary>
    public static Task<RunningWorker> HermesAsync(Func<WorkerOptions, WorkerOptions>? configure = null) =>
        RunningWorker.StartAsync(
            options => (configure?.Invoke(options) ?? options) with { ChatTemplate = RepositoryPaths.Of(QwenTemplate) },
            spec: new Engine.Models.TinyModelSpec { MaxPositionEmbeddings = 16384 });

    /// <summary>Biases that make random weights close strings, objects and lists soon, so constrained answers end.</summary>
    public static System.Text.Json.Nodes.JsonObject ClosingBias() => new() { ["34"] = 8, ["125"] = 8, ["93"] = 8 };

    /// <summary>Tools in the shape Open WebUI 0.11 sends its builtin ones with every chat.</summary>
    public const string OpenWebUiTools = "tests/Parley.Worker.Tests/Http/Tools/Data/open-webui-builtin-tools.json";
}
