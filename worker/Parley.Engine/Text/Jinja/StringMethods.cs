// The Python methods templates call on values: str methods (startswith, split, strip, ...) and the read-only
// dict methods (items, keys, values, get). Mutating methods are absent, as in transformers' immutable sandbox.
using System.Globalization;
using System.Text;

namespace Parley.Engine.Text.Jinja;

internal static class StringMethods
{
    /// <summary>The bound method <paramref name="name"/> of <paramref name="target"/>; null when it has none.</summary>
    public static CallableValue? Bind(JinjaValue target, string name) => target switch
    {
        StringValue s => BindString(s.Value, name),
        DictValue d => BindDict(d, name),
        _ => null,
    };

    private static CallableValue? BindDict(DictValue d, string name) => name switch
    {
        "items" => new(name, _ => new ListValue(d.Pairs.Select(p => (JinjaValue)new ListValue([p.Key, p.Value], true)).ToList())),
        "keys" => new(name, _ => new ListValue(d.Keys.ToList())),
        "values" => new(name, _ => new ListValue(d.Pairs.Select(p => p.Value).ToList())),
        "get" => new(name, a => d.TryGet(a.Positional[0], out var v) ? v : a.Get(1, "default", NoneValue.Instance)),
        _ => null,
    };

    private static CallableValue? BindString(string s, string name) => name switch
    {
        "startswith" => new(name, a => BoolValue.Of(Affixes(a.Positional[0]).Any(p => s.StartsWith(p, StringComparison.Ordinal)))),
        "endswith" => new(name, a => BoolValue.Of(Affixes(a.Positional[0]).Any(p => s.EndsWith(p, StringComparison.Ordinal)))),
        "strip" => new(name, a => new StringValue(Strip(s, a.Get(0, "chars"), true, true))),
        "lstrip" => new(name, a => new StringValue(Strip(s, a.Get(0, "chars"), true, false))),
        "rstrip" => new(name, a => new StringValue(Strip(s, a.Get(0, "chars"), false, true))),
        "split" => new(name, a => Split(s, a.Get(0, "sep"), a.Get(1, "maxsplit"), false)),
        "rsplit" => new(name, a => Split(s, a.Get(0, "sep"), a.Get(1, "maxsplit"), true)),
        "upper" => new(name, _ => new StringValue(s.ToUpperInvariant())),
        "lower" => new(name, _ => new StringValue(s.ToLowerInvariant())),
        "title" => new(name, _ => new StringValue(Title(s))),
        "capitalize" => new(name, _ => new StringValue(Capitalize(s))),
        "replace" => new(name, a => new StringValue(Replace(s, Text(a.Positional[0]), Text(a.Positional[1]), a.Get(2, "count")))),
        "find" => new(name, a => new IntValue(s.IndexOf(Text(a.Positional[0]), StringComparison.Ordinal))),
        "rfind" => new(name, a => new IntValue(s.LastIndexOf(Text(a.Positional[0]), StringComparison.Ordinal))),
        "count" => new(name, a => new IntValue(Count(s, Text(a.Positional[0])))),
        "join" => new(name, a => new StringValue(string.Join(s, Operators.Iterate(a.Positional[0]).Select(PythonText.Str)))),
        "isdigit" => new(name, _ => BoolValue.Of(s.Length > 0 && s.All(char.IsDigit))),
        "isspace" => new(name, _ => BoolValue.Of(s.Length > 0 && s.All(char.IsWhiteSpace))),
        "format" => new(name, a => new StringValue(Format(s, a))),
        _ => null,
    };

    private static string Text(JinjaValue value) => value is StringValue s ? s.Value
        : throw new JinjaRuntimeError($"must be str, not {value.TypeName}");

    private static IEnumerable<string> Affixes(JinjaValue value) => value is ListValue l ? l.Items.Select(Text) : [Text(value)];

    public static string Strip(string s, JinjaValue? chars, bool left, bool right)
    {
        if (chars is null or NoneValue)
        {
            return left && right ? s.Trim() : left ? s.TrimStart() : s.TrimEnd();
        }

        var set = Text(chars).ToCharArray();
        return left && right ? s.Trim(set) : left ? s.TrimStart(set) : s.TrimEnd(set);
    }

    private static ListValue Split(string s, JinjaValue? separator, JinjaValue? maxSplit, bool fromRight)
    {
        var limit = maxSplit is null or NoneValue ? -1 : Operators.ToLong(maxSplit);
        List<string> parts;
        if (separator is null or NoneValue)
        {
            var words = s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();
            parts = limit < 0 || words.Count <= limit + 1 ? words : SplitWhitespaceLimited(s, (int)limit, fromRight);
        }
        else
        {
            var sep = Text(separator);
            if (sep.Length == 0)
            {
                throw new JinjaRuntimeError("empty separator");
            }

            parts = [.. s.Split(sep)];
            if (limit >= 0 && parts.Count > limit + 1)
            {
                parts = fromRight
                    ? [string.Join(sep, parts.Take(parts.Count - (int)limit)), .. parts.Skip(parts.Count - (int)limit)]
                    : [.. parts.Take((int)limit), string.Join(sep, parts.Skip((int)limit))];
            }
        }

        return new ListValue(parts.Select(p => (JinjaValue)new StringValue(p)).ToList());
    }

    private static List<string> SplitWhitespaceLimited(string s, int limit, bool fromRight)
    {
        var result = new List<string>();
        var rest = fromRight ? s.TrimEnd() : s.TrimStart();
        for (var i = 0; i < limit && rest.Length > 0; i++)
        {
            if (fromRight)
            {
                var cut = rest.Length - 1;
                while (cut >= 0 && !char.IsWhiteSpace(rest[cut]))
                {
                    cut--;
                }

                result.Insert(0, rest[(cut + 1)..]);
                rest = cut < 0 ? "" : rest[..cut].TrimEnd();
            }
            else
            {
                var cut = 0;
                while (cut < rest.Length && !char.IsWhiteSpace(rest[cut]))
                {
                    cut++;
                }

                result.Add(rest[..cut]);
                rest = rest[cut..].TrimStart();
            }
        }

        if (rest.Length > 0)
        {
            result.Insert(fromRight ? 0 : result.Count, rest);
        }

        return result;
    }

    public static string Replace(string s, string old, string replacement, JinjaValue? count)
    {
        var limit = count is null or NoneValue ? -1 : Operators.ToLong(count);
        if (limit < 0)
        {
            return old.Length == 0 ? replacement + string.Join(replacement, s.Select(c => c.ToString())) + (s.Length > 0 ? replacement : "") : s.Replace(old, replacement, StringComparison.Ordinal);
        }

        var builder = new StringBuilder();
        var at = 0;
        for (var done = 0; done < limit && old.Length > 0; done++)
        {
            var next = s.IndexOf(old, at, StringComparison.Ordinal);
            if (next < 0)
            {
                break;
            }

            builder.Append(s, at, next - at).Append(replacement);
            at = next + old.Length;
        }

        return builder.Append(s, at, s.Length - at).ToString();
    }

    private static int Count(string s, string part)
    {
        if (part.Length == 0)
        {
            return s.Length + 1;
        }

        var count = 0;
        for (var at = s.IndexOf(part, StringComparison.Ordinal); at >= 0; at = s.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Python's str.title: upper-case a letter that follows a non-letter, lower-case the rest.</summary>
    public static string Title(string s)
    {
        var builder = new StringBuilder(s.Length);
        var previousIsCased = false;
        foreach (var c in s)
        {
            builder.Append(previousIsCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousIsCased = char.IsLetter(c);
        }

        return builder.ToString();
    }

    public static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    private static string Format(string s, Arguments args)
    {
        var builder = new StringBuilder();
        var next = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '{' && i + 1 < s.Length && s[i + 1] == '{' || s[i] == '}' && i + 1 < s.Length && s[i + 1] == '}')
            {
                builder.Append(s[i++]);
            }
            else if (s[i] == '{')
            {
                var close = s.IndexOf('}', i);
                var field = s[(i + 1)..close];
                var value = field.Length == 0 ? args.Positional[next++]
                    : int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? args.Positional[index]
                    : args.Get(-1, field) ?? throw new JinjaRuntimeError($"KeyError: '{field}'");
                builder.Append(PythonText.Str(value));
                i = close;
            }
            else
            {
                builder.Append(s[i]);
            }
        }

        return builder.ToString();
    }

    /// <summary>The <c>'%s' % x</c> operator for %s, %d and %%.</summary>
    public static string PercentFormat(string format, JinjaValue values)
    {
        var items = values is ListValue { IsTuple: true } t ? t.Items : [values];
        var builder = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                builder.Append(format[i]);
                continue;
            }

            var spec = format[++i];
            builder.Append(spec switch
            {
                '%' => "%",
                's' => PythonText.Str(items[next++]),
                'r' => PythonText.Repr(items[next++]),
                'd' or 'i' => Operators.ToLong(items[next++]).ToString(CultureInfo.InvariantCulture),
                _ => throw new JinjaRuntimeError($"unsupported format character '{spec}'"),
            });
        }

        return builder.ToString();
    }
}
