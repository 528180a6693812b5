// How Python prints values: str() for output, repr() inside containers, and json.dumps for the tojson filter
// (transformers' override: ensure_ascii=False, separators ', ' and ': ' unless indented, keys unsorted).
using System.Globalization;
using System.Text;

namespace Parley.Engine.Text.Jinja;

internal static class PythonText
{
    public static string Str(JinjaValue value) => value switch
    {
        StringValue s => s.Value,
        UndefinedValue => "",
        _ => Repr(value),
    };

    public static string Repr(JinjaValue value) => value switch
    {
        UndefinedValue => "",
        NoneValue => "None",
        BoolValue b => b.Value ? "True" : "False",
        IntValue i => i.Value.ToString(CultureInfo.InvariantCulture),
        FloatValue f => FloatRepr(f.Value),
        StringValue s => StringRepr(s.Value),
        ListValue l when l.IsTuple => l.Items.Count == 1 ? $"({Repr(l.Items[0])},)" : $"({string.Join(", ", l.Items.Select(Repr))})",
        ListValue l => $"[{string.Join(", ", l.Items.Select(Repr))}]",
        DictValue d => $"{{{string.Join(", ", d.Pairs.Select(p => $"{Repr(p.Key)}: {Repr(p.Value)}"))}}}",
        NamespaceValue => "<Namespace>",
        CallableValue c => $"<function {c.Name}>",
        _ => $"<{value.TypeName}>",
    };

    /// <summary>Python's float repr: shortest round-trip digits, '.0' on whole numbers, exponent past 1e16.</summary>
    public static string FloatRepr(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = text.IndexOf('E', StringComparison.Ordinal);
        if (exponentAt >= 0)
        {
            var mantissa = text[..exponentAt];
            var exponent = int.Parse(text[(exponentAt + 1)..], CultureInfo.InvariantCulture);
            if (exponent is >= -4 and < 16)
            {
                var digits = Math.Max(0, -exponent + mantissa.Replace("-", "", StringComparison.Ordinal).Length - 2);
                var fixedText = value.ToString("F" + digits, CultureInfo.InvariantCulture);
                return fixedText.Contains('.', StringComparison.Ordinal) ? fixedText : fixedText + ".0";
            }

            return $"{mantissa}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }

        if (Math.Abs(value) >= 1e16)
        {
            var digits = text.TrimStart('-').Split('.')[0];
            var fraction = digits[1..].TrimEnd('0');
            return $"{(value < 0 ? "-" : "")}{digits[0]}{(fraction.Length > 0 ? "." + fraction : "")}e+{digits.Length - 1:00}";
        }

        return text.Contains('.', StringComparison.Ordinal) ? text : text + ".0";
    }

    private static string StringRepr(string value)
    {
        var quote = value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var builder = new StringBuilder().Append(quote);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c == quote)
                    {
                        builder.Append('\\').Append(c);
                    }
                    else if (c < 0x20 || c == 0x7f)
                    {
                        builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append(quote).ToString();
    }

    public static string Json(JinjaValue value, JsonStyle style)
    {
        var builder = new StringBuilder();
        WriteJson(builder, value, style, 0);
        return builder.ToString();
    }

    private static void WriteJson(StringBuilder builder, JinjaValue value, JsonStyle style, int depth)
    {
        switch (value)
        {
            case NoneValue: builder.Append("null"); break;
            case BoolValue b: builder.Append(b.Value ? "true" : "false"); break;
            case IntValue i: builder.Append(i.Value.ToString(CultureInfo.InvariantCulture)); break;
            case FloatValue f: builder.Append(double.IsNaN(f.Value) ? "NaN" : double.IsInfinity(f.Value) ? (f.Value > 0 ? "Infinity" : "-Infinity") : FloatRepr(f.Value)); break;
            case StringValue s: JsonString(builder, s.Value, style.EnsureAscii); break;
            case ListValue l: WriteJsonContainer(builder, '[', ']', l.Items.Select(item => (default(JinjaValue), item)), style, depth); break;
            case DictValue d:
                var pairs = d.Pairs.Select(p => ((JinjaValue?)p.Key, p.Value));
                WriteJsonContainer(builder, '{', '}', style.SortKeys ? pairs.OrderBy(p => p.Item1, Comparer<JinjaValue?>.Create((a, b) => Operators.Compare(a!, b!, "<"))) : pairs, style, depth);
                break;
            case NamespaceValue n:
                var dict = new DictValue();
                foreach (var (k, v) in n.Attributes)
                {
                    dict.Set(new StringValue(k), v);
                }

                WriteJson(builder, dict, style, depth);
                break;
            default: throw new JinjaRuntimeError($"Object of type {value.TypeName} is not JSON serializable");
        }
    }

    private static void WriteJsonContainer(StringBuilder builder, char open, char close, IEnumerable<(JinjaValue? Key, JinjaValue Value)> items, JsonStyle style, int depth)
    {
        var indent = style.Indent;
        builder.Append(open);
        var first = true;
        foreach (var (key, item) in items)
        {
            builder.Append(first ? "" : style.ItemSeparator);
            if (indent is not null)
            {
                builder.Append('\n').Append(' ', indent.Value * (depth + 1));
            }

            first = false;
            if (key is not null)
            {
                JsonString(builder, key switch
                {
                    StringValue s => s.Value,
                    NoneValue => "null",
                    BoolValue b => b.Value ? "true" : "false",
                    IntValue or FloatValue => Repr(key),
                    _ => throw new JinjaRuntimeError($"keys must be str, int, float, bool or None, not {key.TypeName}"),
                }, style.EnsureAscii);
                builder.Append(style.KeySeparator);
            }

            WriteJson(builder, item, style, depth + 1);
        }

        if (indent is not null && !first)
        {
            builder.Append('\n').Append(' ', indent.Value * depth);
        }

        builder.Append(close);
    }

    private static void JsonString(StringBuilder builder, string value, bool ensureAscii)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < 0x20 || (ensureAscii && c > 0x7e))
                    {
                        builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }
}

/// <summary>json.dumps options as transformers' tojson passes them: (ensure_ascii=False, indent=None, separators=None, sort_keys=False).</summary>
internal sealed record JsonStyle(bool EnsureAscii, int? Indent, string ItemSeparator, string KeySeparator, bool SortKeys)
{
    public static JsonStyle From(Arguments args)
    {
        var indent = args.Get(1, "indent") is IntValue i ? (int?)i.Value : null;
        var separators = args.Get(2, "separators") is ListValue { Items.Count: 2 } pair ? pair.Items.Select(PythonText.Str).ToArray() : null;
        return new JsonStyle(
            args.Get(0, "ensure_ascii")?.IsTruthy ?? false,
            indent,
            separators?[0] ?? (indent is null ? ", " : ","),
            separators?[1] ?? ": ",
            args.Get(3, "sort_keys")?.IsTruthy ?? false);
    }
}
