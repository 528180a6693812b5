// Which JSON Schema keywords the compiler understands, which it ignores as annotations, and the check that refuses the
// rest by name and JSON path (a refusal beats output that silently ignores a constraint).
using System.Text.Json.Nodes;

namespace Parley.Engine.Constraints.JsonSchemas;

internal static class SchemaKeywords
{
    public static readonly HashSet<string> Annotations =
    [
        "description", "title", "default", "examples", "$schema", "$id", "strict", "$comment", "deprecated", "readOnly", "writeOnly",
        "$defs", "definitions",
    ];

    public static readonly HashSet<string> Supported =
    [
        "type", "properties", "required", "additionalProperties", "items", "prefixItems", "minItems", "maxItems", "enum", "const",
        "anyOf", "oneOf", "allOf", "$ref", "minLength", "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
        "exclusiveMaximum",
    ];

    /// <exception cref="ConstraintException">The schema uses a keyword outside both lists.</exception>
    public static void CheckAllKnown(JsonObject schema, string path)
    {
        foreach (var (keyword, _) in schema)
        {
            if (!Supported.Contains(keyword) && !Annotations.Contains(keyword))
            {
                throw new ConstraintException($"JSON Schema keyword '{keyword}' at {path} is not supported.");
            }
        }
    }

    /// <summary>The keywords that constrain the value (not annotations), other than those named.</summary>
    public static IEnumerable<string> ConstraintsOtherThan(JsonObject schema, params string[] keywords) =>
        schema.Select(pair => pair.Key).Where(key => !Annotations.Contains(key) && !keywords.Contains(key));
}
