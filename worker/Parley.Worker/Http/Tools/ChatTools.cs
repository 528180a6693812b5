// The tools part of a chat request, read and checked as OpenAI defines it: tools (function definitions), tool_choice
// ("none", "auto", "required" or {"type": "function", "function": {"name": ...}}) and parallel_tool_calls.
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Parley.Worker.Http.Tools;

/// <summary>The functions a chat request offers and how it wants them used.</summary>
/// <param name="Definitions">The tools as sent (each {"type": "function", "function": {...}}).</param>
/// <param name="Choice">tool_choice.</param>
/// <param name="NamedFunction">The function tool_choice names, for <see cref="ToolChoiceMode.Named"/>.</param>
/// <param name="ParallelToolCalls">More than one call per answer allowed (default true).</param>
public sealed partial record ChatTools(JsonArray Definitions, ToolChoiceMode Choice, string? NamedFunction, bool ParallelToolCalls)
{
    /// <summary>The request's tools; null when it offers none.</summary>
    public static ChatTools? Read(RequestReader request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tools = request.Node("tools");
        var choice = request.Node("tool_choice");
        var parallel = request.Bool("parallel_tool_calls") ?? true;
        if (tools is null || tools is JsonArray { Count: 0 })
        {
            return choice is null || IsString(choice, "none")
                ? null
                : throw ApiException.BadRequest("tool_choice needs tools: send the functions in tools, or leave tool_choice out.", "tool_choice");
        }

        if (tools is not JsonArray definitions)
        {
            throw ApiException.BadRequest("tools must be a list of {\"type\": \"function\", \"function\": {\"name\": ..., \"parameters\": {...}}} objects.", "tools");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < definitions.Count; i++)
        {
            var name = FunctionName(definitions[i], i);
            if (!names.Add(name))
            {
                throw ApiException.BadRequest($"tools[{i}] repeats the function name '{name}'; each function needs its own name.", "tools");
            }
        }

        var (mode, named) = ReadChoice(choice, names);
        return new ChatTools(definitions, mode, named, parallel);
    }

    /// <summary>The parameters schema of each function, by name (an empty-object schema when it has none).</summary>
    public IReadOnlyDictionary<string, JsonNode> Parameters() =>
        Definitions.ToDictionary(
            tool => tool!["function"]!["name"]!.GetValue<string>(),
            tool => tool!["function"]!["parameters"] ?? new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() },
            StringComparer.Ordinal);

    private static string FunctionName(JsonNode? tool, int index)
    {
        if (tool is not JsonObject fields || !IsString(fields["type"], "function") || fields["function"] is not JsonObject function)
        {
            throw ApiException.BadRequest($"tools[{index}] must be {{\"type\": \"function\", \"function\": {{\"name\": ..., \"parameters\": {{...}}}}}}.", "tools");
        }

        if (function["name"] is not JsonValue nameValue || nameValue.GetValueKind() != JsonValueKind.String || !FunctionNamePattern().IsMatch(nameValue.GetValue<string>()))
        {
            throw ApiException.BadRequest($"tools[{index}].function.name must be 1 to 64 letters, digits, underscores or dashes.", "tools");
        }

        if (function["parameters"] is { } parameters && parameters is not JsonObject)
        {
            throw ApiException.BadRequest($"tools[{index}].function.parameters must be a JSON Schema object.", "tools");
        }

        return nameValue.GetValue<string>();
    }

    private static (ToolChoiceMode Mode, string? Name) ReadChoice(JsonNode? choice, HashSet<string> names)
    {
        switch (choice)
        {
            case null:
                return (ToolChoiceMode.Auto, null);
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return value.GetValue<string>() switch
                {
                    "none" => (ToolChoiceMode.None, null),
                    "auto" => (ToolChoiceMode.Auto, null),
                    "required" => (ToolChoiceMode.Required, null),
                    var other => throw ApiException.BadRequest($"tool_choice '{RequestReader.Truncated(other)}' is not one of none, auto, required, or {{\"type\": \"function\", \"function\": {{\"name\": ...}}}}.", "tool_choice"),
                };
            case JsonObject named when NamedFunctionOf(named) is { } function:
                return names.Contains(function)
                    ? (ToolChoiceMode.Named, function)
                    : throw ApiException.BadRequest($"tool_choice names the function '{RequestReader.Truncated(function)}', which is not among the tools ({string.Join(", ", names)}).", "tool_choice");
            default:
                throw ApiException.BadRequest("tool_choice must be none, auto, required, or {\"type\": \"function\", \"function\": {\"name\": ...}}.", "tool_choice");
        }
    }

    private static string? NamedFunctionOf(JsonObject choice) =>
        IsString(choice["type"], "function") && choice["function"] is JsonObject function && function["name"] is JsonValue name && name.GetValueKind() == JsonValueKind.String
            ? name.GetValue<string>()
            : null;

    private static bool IsString(JsonNode? node, string expected) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() == expected;

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex FunctionNamePattern();
}
