// What a request asks its output to match, from any of the spellings clients use: OpenAI's response_format
// (json_object, json_schema), vLLM's structured_outputs {json | regex | choice | grammar | json_object} and the older
// guided_json / guided_regex / guided_choice / guided_grammar fields. One request names one constraint; two are a 400
// rather than a guess. The constraint is compiled here, so a schema keyword the compiler lacks is a 400 naming it.
using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Engine.Constraints;
using Parley.Worker.Serving;

namespace Parley.Worker.Http;

/// <summary>Reads and compiles a request's output constraint.</summary>
public static class StructuredOutputRequest
{
    /// <summary>The request's constraint and the field that gave it; null when the output is free.</summary>
    public static (OutputConstraint Constraint, string Field)? Read(RequestReader request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var found = new List<(OutputConstraint, string)>();
        if (ResponseFormat(request.Node("response_format")) is { } format)
            found.Add((format, "response_format"));
        if (request.Object("structured_outputs") is { } structured)
            found.AddRange(Structured(structured));
        AddGuided(request, found);
        return found.Count switch
        {
            0 => null,
            1 => found[0],
            _ => throw ApiException.BadRequest($"Only one output constraint may be given; this request has {string.Join(" and ", found.Select(pair => pair.Item2))}.", found[1].Item2),
        };
    }

    /// <summary>Compiles a constraint for the model's tokenizer; what cannot be compiled is the client's 400.</summary>
    public static ITokenConstraint Compile(ServedModel model, OutputConstraint constraint, string field)
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            return model.Constraints.Value.Compile(constraint);
        }
        catch (ConstraintException exception)
        {
            throw ApiException.BadRequest($"{field}: {exception.Message}", field);
        }
    }

    private static OutputConstraint? ResponseFormat(JsonNode? node)
    {
        if (node is null)
            return null;
        var type = node is JsonObject format && format["type"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
        return type switch
        {
            "text" => null,
            "json_object" => new JsonObjectOutput(),
            "json_schema" => node["json_schema"]?["schema"] is JsonObject schema
                ? new JsonSchemaOutput(schema.DeepClone())
                : throw ApiException.BadRequest("response_format json_schema needs json_schema.schema, a JSON Schema object.", "response_format"),
            _ => throw ApiException.BadRequest("response_format.type must be text, json_object or json_schema.", "response_format"),
        };
    }

    private static IEnumerable<(OutputConstraint, string)> Structured(JsonObject structured)
    {
        foreach (var (key, value) in structured)
        {
            var field = $"structured_outputs.{key}";
            OutputConstraint? constraint = key switch
            {
                "json" => Schema(value, field),
                "regex" => new RegexOutput(Text(value, field)),
                "choice" => Choices(value, field),
                "grammar" => new GrammarOutput(Text(value, field)),
                "json_object" => value is JsonValue flag && flag.GetValueKind() == JsonValueKind.True ? new JsonObjectOutput() : null,
                _ => null, // vLLM's options beside the constraint (disable_fallback, whitespace_pattern, ...)
            };
            if (constraint is not null)
                yield return (constraint, field);
        }
    }

    private static void AddGuided(RequestReader request, List<(OutputConstraint, string)> found)
    {
        if (request.Node("guided_json") is { } json)
            found.Add((Schema(json, "guided_json"), "guided_json"));
        if (request.Node("guided_regex") is { } regex)
            found.Add((new RegexOutput(Text(regex, "guided_regex")), "guided_regex"));
        if (request.Node("guided_choice") is { } choice)
            found.Add((Choices(choice, "guided_choice"), "guided_choice"));
        if (request.Node("guided_grammar") is { } grammar)
            found.Add((new GrammarOutput(Text(grammar, "guided_grammar")), "guided_grammar"));
    }

    // A schema may come as an object or as its JSON text (vLLM accepts both).
    private static JsonSchemaOutput Schema(JsonNode? node, string field)
    {
        if (node is JsonObject schema)
            return new JsonSchemaOutput(schema.DeepClone());
        try
        {
            return JsonNode.Parse(Text(node, field)) is JsonObject parsed
                ? new JsonSchemaOutput(parsed)
                : throw ApiException.BadRequest($"{field} must be a JSON Schema object.", field);
        }
        catch (JsonException exception)
        {
            throw ApiException.BadRequest($"{field} is not valid JSON: {exception.Message}", field);
        }
    }

    private static ChoiceOutput Choices(JsonNode? node, string field)
    {
        var choices = node is JsonArray list && list.All(item => item is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            ? list.Select(item => item!.GetValue<string>()).ToList()
            : null;
        return choices is { Count: > 0 } && choices.TrueForAll(choice => choice.Length > 0)
            ? new ChoiceOutput(choices)
            : throw ApiException.BadRequest($"{field} must be a non-empty list of non-empty strings.", field);
    }

    private static string Text(JsonNode? node, string field) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length > 0
            ? value.GetValue<string>()
            : throw ApiException.BadRequest($"{field} must be a non-empty string.", field);
}
