// Strings, integers and numbers. Integer bounds become a digit-range grammar; number bounds are kept only where the
// grammar stays exact (minimum 0: no sign), and refused otherwise. String patterns and formats go through the regex
// compiler with JSON escaping applied to each character class.
using System.Numerics;
using System.Text.Json.Nodes;
using Parley.Engine.Constraints.Grammars;
using Parley.Engine.Constraints.RegularExpressions;

namespace Parley.Engine.Constraints.JsonSchemas;

internal sealed partial class JsonSchemaCompiler
{
    private static readonly string[] NumberBoundsOtherThanMinimum = ["maximum", "exclusiveMinimum", "exclusiveMaximum"];

    private GrammarNode String(JsonObject schema, string path)
    {
        var minLength = Count(schema, "minLength", path);
        var maxLength = Count(schema, "maxLength", path);
        var pattern = schema["pattern"] is { } patternNode ? Text(patternNode, $"{path}/pattern") : null;
        var format = schema["format"] is { } formatNode ? Text(formatNode, $"{path}/format") : null;
        if (format is not null)
        {
            if (!StringFormats.TryGetPattern(format, out var formatPattern))
            {
                throw new ConstraintException($"JSON Schema format '{format}' at {path}/format is not supported; supported: {string.Join(", ", StringFormats.Supported)}.");
            }

            if (pattern is not null)
            {
                throw new ConstraintException($"JSON Schema keywords 'format' and 'pattern' at {path} are not supported together.");
            }

            pattern = formatPattern;
        }

        if (pattern is not null)
        {
            if (minLength is not null || maxLength is not null)
            {
                throw new ConstraintException($"JSON Schema keyword '{(format is null ? "pattern" : "format")}' at {path} is not supported together with minLength or maxLength.");
            }

            return JsonGrammar.Quoted(RegexParser.Parse(pattern, JsonGrammar.StringCharacters));
        }

        if (minLength > maxLength)
        {
            throw new ConstraintException($"JSON Schema at {path} has minLength above maxLength.");
        }

        return minLength is null && maxLength is null ? _json.String : JsonGrammar.Quoted(new RepeatNode(_json.StringCharacter, minLength ?? 0, maxLength));
    }

    private static GrammarNode Integer(JsonObject schema, string path)
    {
        var minimum = Max(Ceiling(Bound(schema, "minimum", path)), Ceiling(Bound(schema, "exclusiveMinimum", path), exclusive: true));
        var maximum = Min(Floor(Bound(schema, "maximum", path)), Floor(Bound(schema, "exclusiveMaximum", path), exclusive: true));
        return IntegerRange.Of(minimum, maximum) ?? throw new ConstraintException($"JSON Schema at {path} allows no integer between its bounds.");
    }

    private static GrammarNode Number(JsonObject schema, string path)
    {
        var minimum = Bound(schema, "minimum", path);
        var others = NumberBoundsOtherThanMinimum.Where(schema.ContainsKey).ToList();
        if (others.Count > 0 || minimum is not (null or 0))
        {
            var keyword = others.Count > 0 ? others[0] : "minimum";
            throw new ConstraintException($"JSON Schema keyword '{keyword}' at {path} is supported on numbers only as minimum 0; use type integer for other bounds.");
        }

        return JsonGrammar.NumberNode(allowNegative: minimum is null);
    }

    private static BigInteger? Ceiling(decimal? bound, bool exclusive = false) =>
        bound is not { } value ? null : exclusive && value == decimal.Floor(value) ? new BigInteger(value) + 1 : new BigInteger(decimal.Ceiling(value));

    private static BigInteger? Floor(decimal? bound, bool exclusive = false) =>
        bound is not { } value ? null : exclusive && value == decimal.Floor(value) ? new BigInteger(value) - 1 : new BigInteger(decimal.Floor(value));

    private static BigInteger? Max(BigInteger? left, BigInteger? right) => left is null ? right : right is null ? left : BigInteger.Max(left.Value, right.Value);

    private static BigInteger? Min(BigInteger? left, BigInteger? right) => left is null ? right : right is null ? left : BigInteger.Min(left.Value, right.Value);
}
