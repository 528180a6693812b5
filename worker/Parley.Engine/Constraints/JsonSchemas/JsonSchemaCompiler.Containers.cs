// Objects and arrays. An object's members come in the schema's order; optional ones may be left out, which takes a
// chain of rules so the grammar stays linear in the number of properties:
//   First_i ::= P_i Rest_i+1 | First_i+1 (when P_i is optional)      Rest_i ::= "," P_i Rest_i+1 | Rest_i+1 (optional)
using System.Text.Json.Nodes;
using Parley.Engine.Constraints.Grammars;

namespace Parley.Engine.Constraints.JsonSchemas;

internal sealed partial class JsonSchemaCompiler
{
    private GrammarNode Object(JsonObject schema, string path)
    {
        var properties = schema["properties"] as JsonObject;
        var required = (schema["required"] as JsonArray ?? []).Select((name, i) => Text(name, $"{path}/required/{i}")).ToHashSet();
        if (schema["required"] is { } list && list is not JsonArray)
        {
            throw new ConstraintException($"JSON Schema keyword 'required' at {path} must be an array.");
        }

        var missing = required.FirstOrDefault(name => properties?.ContainsKey(name) != true);
        if (missing is not null)
        {
            throw new ConstraintException($"JSON Schema at {path} requires '{missing}', which is not among its properties.");
        }

        if (properties is null || properties.Count == 0)
        {
            return schema["additionalProperties"] switch
            {
                null => _json.Object,
                JsonValue flag when flag.TryGetValue<bool>(out var allowed) => allowed ? _json.Object : EmptyObject(),
                var extra => _json.ObjectOf(GrammarNode.Sequence(_json.String, Colon(), Schema(extra, $"{path}/additionalProperties"))),
            };
        }

        // Extra properties (additionalProperties true or a schema) are never generated: valid, and deterministic.
        var members = properties.Select(pair => (Node: Member(pair.Key, pair.Value, $"{path}/properties/{Escape(pair.Key)}"), IsRequired: required.Contains(pair.Key))).ToList();
        GrammarNode rest = GrammarNode.Empty;
        GrammarNode first = GrammarNode.Empty;
        for (var i = members.Count - 1; i >= 0; i--)
        {
            var (member, isRequired) = members[i];
            var withComma = GrammarNode.Sequence(_json.Comma, member, rest);
            var startingHere = GrammarNode.Sequence(member, rest);
            first = _builder.Rule(isRequired ? startingHere : GrammarNode.Choice(startingHere, first));
            rest = _builder.Rule(isRequired ? withComma : GrammarNode.Choice(withComma, rest));
        }

        return GrammarNode.Sequence(GrammarNode.Literal("{"), _json.Whitespace, first, _json.Whitespace, GrammarNode.Literal("}"));
    }

    private GrammarNode Member(string name, JsonNode? schema, string path) =>
        GrammarNode.Sequence(JsonGrammar.Literal(JsonValue.Create(name)), Colon(), Schema(schema, path));

    private GrammarNode Colon() => GrammarNode.Sequence(_json.Whitespace, GrammarNode.Literal(":"), _json.Whitespace);

    private GrammarNode EmptyObject() => GrammarNode.Sequence(GrammarNode.Literal("{"), _json.Whitespace, GrammarNode.Literal("}"));

    private GrammarNode Array(JsonObject schema, string path)
    {
        var minItems = Count(schema, "minItems", path) ?? 0;
        var maxItems = Count(schema, "maxItems", path);
        var prefix = schema["prefixItems"] is { } prefixNode
            ? (prefixNode as JsonArray ?? throw new ConstraintException($"JSON Schema keyword 'prefixItems' at {path} must be an array."))
                .Select((item, i) => Schema(item, $"{path}/prefixItems/{i}")).ToList()
            : [];
        if (maxItems < prefix.Count)
        {
            prefix = prefix[..maxItems.Value];
        }

        var itemsNode = schema["items"];
        var hasNoMoreItems = itemsNode is JsonValue flag && flag.TryGetValue<bool>(out var allowed) && !allowed;
        var restMin = Math.Max(0, minItems - prefix.Count);
        int? restMax = hasNoMoreItems ? 0 : maxItems - prefix.Count;
        if (restMin > restMax)
        {
            throw new ConstraintException($"JSON Schema at {path} needs {minItems} items but allows at most {prefix.Count + (restMax ?? 0)}.");
        }

        var item = restMax == 0 ? GrammarNode.Empty : itemsNode is null ? _json.Value : _builder.Rule(Schema(itemsNode, $"{path}/items"));
        var sequence = new List<GrammarNode>();
        foreach (var prefixItem in prefix)
        {
            sequence.Add(sequence.Count == 0 ? prefixItem : GrammarNode.Sequence(_json.Comma, prefixItem));
        }

        if (restMax != 0)
        {
            if (prefix.Count > 0)
            {
                sequence.Add(new RepeatNode(GrammarNode.Sequence(_json.Comma, item), restMin, restMax));
            }
            else
            {
                // The first item carries no comma: "item (, item){min-1,max-1}", optional as a whole when min is 0.
                var tail = new RepeatNode(GrammarNode.Sequence(_json.Comma, item), Math.Max(0, restMin - 1), restMax - 1);
                var list = GrammarNode.Sequence(item, tail);
                sequence.Add(restMin == 0 ? GrammarNode.Optional(list) : list);
            }
        }

        return GrammarNode.Sequence(GrammarNode.Literal("["), _json.Whitespace, GrammarNode.Sequence([.. sequence]), _json.Whitespace, GrammarNode.Literal("]"));
    }

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
