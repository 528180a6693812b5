// A JSON Schema as a grammar of the JSON documents it accepts, for generation. Where a schema allows many shapes the
// grammar keeps a deterministic, valid subset, as vLLM and xgrammar do: properties in the schema's order, no extra
// properties (additionalProperties is treated as false), no whitespace beyond a small bound. Every document the grammar
// accepts is valid against the schema; keywords whose meaning cannot be kept are refused with ConstraintException.
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Parley.Engine.Constraints.Grammars;

namespace Parley.Engine.Constraints.JsonSchemas;

internal sealed partial class JsonSchemaCompiler
{
    private readonly GrammarBuilder _builder = new();
    private readonly JsonGrammar _json;
    private readonly JsonNode _root;
    private readonly Dictionary<string, RuleNode> _references = [];

    private JsonSchemaCompiler(JsonNode root)
    {
        _root = root;
        _json = new JsonGrammar(_builder);
    }

    /// <param name="schema">The schema as sent.</param>
    /// <param name="wrap">Applied to the document's grammar before building (e.g. an optional leading space).</param>
    /// <exception cref="ConstraintException">An unsupported keyword or a malformed schema.</exception>
    public static Grammar Compile(JsonNode schema, Func<GrammarNode, GrammarNode>? wrap = null)
    {
        var compiler = new JsonSchemaCompiler(schema);
        var root = compiler.Schema(schema, "#");
        return compiler._builder.Build(wrap is null ? root : wrap(root));
    }

    /// <summary>Any JSON object, as response_format json_object asks.</summary>
    public static Grammar AnyObject(Func<GrammarNode, GrammarNode>? wrap = null)
    {
        var compiler = new JsonSchemaCompiler(new JsonObject());
        return compiler._builder.Build(wrap is null ? compiler._json.Object : wrap(compiler._json.Object));
    }

    private GrammarNode Schema(JsonNode? schema, string path)
    {
        if (schema is JsonValue flag && flag.TryGetValue<bool>(out var allowsAll))
        {
            return allowsAll ? _json.Value : throw new ConstraintException($"JSON Schema at {path} is false: no value is valid.");
        }

        if (schema is not JsonObject keywords)
        {
            throw new ConstraintException($"JSON Schema at {path} must be an object or a boolean.");
        }

        SchemaKeywords.CheckAllKnown(keywords, path);
        if (keywords["$ref"] is { } reference)
        {
            RequireAlone(keywords, path, "$ref");
            return Reference(Text(reference, $"{path}/$ref"), path);
        }

        if (keywords["allOf"] is { } allOf)
        {
            RequireAlone(keywords, path, "allOf");
            return (allOf is JsonArray { Count: 1 } only) ? Schema(only[0], $"{path}/allOf/0")
                : throw new ConstraintException($"JSON Schema keyword 'allOf' at {path} is supported only with exactly one schema.");
        }

        foreach (var keyword in new[] { "anyOf", "oneOf" })
        {
            if (keywords[keyword] is { } options)
            {
                RequireAlone(keywords, path, keyword);
                var list = options as JsonArray ?? throw new ConstraintException($"JSON Schema keyword '{keyword}' at {path} must be an array.");
                return GrammarNode.Choice([.. list.Select((option, i) => Schema(option, $"{path}/{keyword}/{i}"))]);
            }
        }

        if (keywords.TryGetPropertyValue("const", out var constant))
        {
            return JsonGrammar.Literal(constant);
        }

        if (keywords["enum"] is { } values)
        {
            var list = values as JsonArray ?? throw new ConstraintException($"JSON Schema keyword 'enum' at {path} must be an array.");
            return list.Count > 0 ? GrammarNode.Choice([.. list.Select(JsonGrammar.Literal)])
                : throw new ConstraintException($"JSON Schema keyword 'enum' at {path} lists no values.");
        }

        var types = Types(keywords, path);
        return types.Count == 0 ? _json.Value : GrammarNode.Choice([.. types.Select(type => OfType(type, keywords, path))]);
    }

    private GrammarNode OfType(string type, JsonObject schema, string path) => type switch
    {
        "object" => Object(schema, path),
        "array" => Array(schema, path),
        "string" => String(schema, path),
        "integer" => Integer(schema, path),
        "number" => Number(schema, path),
        "boolean" => GrammarNode.Choice(GrammarNode.Literal("true"), GrammarNode.Literal("false")),
        "null" => GrammarNode.Literal("null"),
        _ => throw new ConstraintException($"JSON Schema type '{type}' at {path}/type is not a JSON type."),
    };

    private static List<string> Types(JsonObject schema, string path)
    {
        switch (schema["type"])
        {
            case JsonArray list:
                return [.. list.Select((type, i) => Text(type, $"{path}/type/{i}"))];
            case JsonNode single:
                return [Text(single, $"{path}/type")];
        }

        // No type: infer it from the keywords present, as a schema author means it.
        string[] objectKeywords = ["properties", "required", "additionalProperties"];
        string[] arrayKeywords = ["items", "prefixItems", "minItems", "maxItems"];
        string[] stringKeywords = ["minLength", "maxLength", "pattern", "format"];
        string[] numberKeywords = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"];
        return objectKeywords.Any(schema.ContainsKey) ? ["object"]
            : arrayKeywords.Any(schema.ContainsKey) ? ["array"]
            : stringKeywords.Any(schema.ContainsKey) ? ["string"]
            : numberKeywords.Any(schema.ContainsKey) ? ["number"]
            : [];
    }

    private RuleNode Reference(string reference, string path)
    {
        if (_references.TryGetValue(reference, out var known))
        {
            return known;
        }

        if (!reference.StartsWith('#'))
        {
            throw new ConstraintException($"JSON Schema $ref '{reference}' at {path} is not supported; only references inside the schema (#/$defs/...) are.");
        }

        var target = _root;
        foreach (var segment in reference[1..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Uri.UnescapeDataString(segment).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            target = target is JsonObject container && container.TryGetPropertyValue(name, out var child) ? child
                : throw new ConstraintException($"JSON Schema $ref '{reference}' at {path} points at nothing.");
        }

        // Declared before compiling the target, so a recursive reference finds the rule and calls it.
        var rule = _builder.Declare();
        _references.Add(reference, rule);
        _builder.Define(rule, Schema(target, reference));
        return rule;
    }

    private static void RequireAlone(JsonObject schema, string path, string keyword)
    {
        var others = SchemaKeywords.ConstraintsOtherThan(schema, keyword).ToList();
        if (others.Count > 0)
        {
            throw new ConstraintException($"JSON Schema keyword '{keyword}' at {path} is supported only without sibling keywords; found '{others[0]}'.");
        }
    }

    private static string Text(JsonNode? node, string path) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : throw new ConstraintException($"JSON Schema value at {path} must be a string.");

    private static int? Count(JsonObject schema, string keyword, string path) =>
        schema[keyword] is not { } node ? null
        : node is JsonValue value && value.TryGetValue<int>(out var count) && count >= 0 ? count
        : decimal.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= 0 && number == decimal.Truncate(number) && number <= int.MaxValue ? (int)number
        : throw new ConstraintException($"JSON Schema keyword '{keyword}' at {path} must be a non-negative integer.");

    private static decimal? Bound(JsonObject schema, string keyword, string path) =>
        schema[keyword] is not { } node ? null
        : decimal.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number
        : throw new ConstraintException($"JSON Schema keyword '{keyword}' at {path} must be a number.");
}
