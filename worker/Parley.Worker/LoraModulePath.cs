// One --lora-modules entry in either of vLLM's forms: `name=path`, or the JSON object
// '{"name": "sql", "path": "/adapters/sql", "base_model_name": "llama"}' (base_model_name: the served name listed as
// the adapter's parent in /v1/models; the first --served-model-name when absent).
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parley.Worker;

/// <summary>An adapter the worker serves from its start.</summary>
/// <param name="Name">The name requests select it by (<c>model</c>).</param>
/// <param name="Path">The adapter's folder (adapter_config.json and adapter_model.safetensors).</param>
/// <param name="BaseModelName">The served model name it is listed under; null: the primary one.</param>
public sealed record LoraModulePath(string Name, string Path, string? BaseModelName = null)
{
    /// <summary>Reads one entry; null with <paramref name="error"/> saying what is wrong when it is neither form.</summary>
    public static LoraModulePath? Parse(string argument, out string? error)
    {
        ArgumentNullException.ThrowIfNull(argument);
        error = null;
        var text = argument.Trim();
        if (text.StartsWith('{'))
        {
            return FromJson(text, out error);
        }

        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals > 0 && equals < text.Length - 1)
        {
            return new LoraModulePath(text[..equals], text[(equals + 1)..]);
        }

        error = $"--lora-modules '{argument}' is neither name=path nor a JSON object {{\"name\": ..., \"path\": ...}}.";
        return null;
    }

    private static LoraModulePath? FromJson(string text, out string? error)
    {
        error = null;
        try
        {
            var json = JsonNode.Parse(text) as JsonObject;
            string? Field(string name) => json?[name] is JsonValue value && value.TryGetValue<string>(out var field) && field.Length > 0 ? field : null;
            if (Field("name") is { } name && Field("path") is { } path)
            {
                return new LoraModulePath(name, path, Field("base_model_name"));
            }
        }
        catch (JsonException)
        {
            // Told below, with the form that works.
        }

        error = $"--lora-modules '{text}' is not a JSON object with string fields name and path (and optionally base_model_name).";
        return null;
    }
}
