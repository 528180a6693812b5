// tool_choice "required" and a named function are kept by constrained decoding, as vLLM does it: the answer must be a
// JSON list of {"name", "parameters"} calls of the offered functions, or the named function's arguments object. Each
// function's $defs are lifted to the root, where the compiled schema resolves "#/$defs/..." references.
using System.Text.Json.Nodes;
using Parley.Engine.Constraints;

namespace Parley.Worker.Http.Tools;

/// <summary>The output constraints that tool_choice required and named impose.</summary>
public static class ToolCallSchemas
{
    /// <summary>The constraint for the request's tool_choice; null for none and auto, which leave the answer free.</summary>
    public static OutputConstraint? For(ChatTools tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var parameters = tools.Parameters();
        return tools.Choice switch
        {
            ToolChoiceMode.Named => new JsonSchemaOutput(parameters[tools.NamedFunction!].DeepClone()),
            ToolChoiceMode.Required => new JsonSchemaOutput(CallList(parameters, tools.ParallelToolCalls)),
            _ => null,
        };
    }

    private static JsonObject CallList(IReadOnlyDictionary<string, JsonNode> parameters, bool parallel)
    {
        var definitions = new JsonObject();
        var calls = new JsonArray();
        foreach (var (name, schema) in parameters)
        {
            var copy = schema.DeepClone().AsObject();
            foreach (var key in new[] { "$defs", "definitions" })
            {
                if (copy[key] is JsonObject defs)
                {
                    foreach (var (defName, definition) in defs)
                        definitions[defName] = definition?.DeepClone();
                    copy.Remove(key);
                }
            }

            calls.Add(new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["name"] = new JsonObject { ["const"] = name }, ["parameters"] = copy },
                ["required"] = new JsonArray("name", "parameters"),
            });
        }

        var list = new JsonObject { ["type"] = "array", ["minItems"] = 1, ["items"] = new JsonObject { ["anyOf"] = calls } };
        if (!parallel)
            list["maxItems"] = 1;
        if (definitions.Count > 0)
            list["$defs"] = definitions;
        return list;
    }
}
