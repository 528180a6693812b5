// Jinja2's built-in filters as Python Jinja2 3.1 implements them, plus transformers' tojson override.
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Parley.Engine.Text.Jinja;

internal static partial class Filters
{
    public static bool Exists(string name) => name is "length" or "count" or "string" or "int" or "float" or "lower" or "upper"
        or "capitalize" or "title" or "trim" or "replace" or "join" or "default" or "d" or "first" or "last" or "list"
        or "reverse" or "sort" or "unique" or "map" or "select" or "reject" or "selectattr" or "rejectattr" or "items"
        or "dictsort" or "tojson" or "safe" or "escape" or "e" or "indent" or "wordcount" or "abs" or "round" or "center"
        or "batch" or "slice" or "max" or "min" or "sum" or "attr";

    public static JinjaValue Apply(string name, JinjaValue value, Arguments args)
    {
        if (value is UndefinedValue u && name is not ("default" or "d" or "length" or "count" or "list" or "string" or "join"
            or "tojson" or "safe" or "escape" or "e" or "trim" or "lower" or "upper" or "first" or "last" or "items"))
        {
            throw new JinjaRuntimeError(u.Message);
        }

        return name switch
        {
            "length" or "count" => new IntValue(Length(value)),
            "string" => new StringValue(PythonText.Str(value)),
            "int" => ToInt(value, args.Get(0, "default", new IntValue(0))),
            "float" => ToFloat(value, args.Get(0, "default", new FloatValue(0))),
            "lower" => new StringValue(PythonText.Str(value).ToLowerInvariant()),
            "upper" => new StringValue(PythonText.Str(value).ToUpperInvariant()),
            "capitalize" => new StringValue(StringMethods.Capitalize(PythonText.Str(value))),
            "title" => new StringValue(Title(PythonText.Str(value))),
            "trim" => new StringValue(StringMethods.Strip(PythonText.Str(value), args.Get(0, "chars"), true, true)),
            "replace" => new StringValue(StringMethods.Replace(PythonText.Str(value), PythonText.Str(args.Positional[0]), PythonText.Str(args.Positional[1]), args.Get(2, "count"))),
            "join" => Join(value, args),
            "default" or "d" => Default(value, args),
            "first" => Operators.Iterate(value) is { Count: > 0 } f ? f[0] : new UndefinedValue("No first item, sequence was empty."),
            "last" => Operators.Iterate(value) is { Count: > 0 } l ? l[^1] : new UndefinedValue("No last item, sequence was empty."),
            "list" => new ListValue(Operators.Iterate(value).ToList()),
            "reverse" => value is StringValue s ? new StringValue(string.Concat(Operators.Iterate(s).Reverse().Select(PythonText.Str))) : new ListValue(Operators.Iterate(value).Reverse().ToList()),
            "sort" => Sort(value, args),
            "unique" => Unique(value, args),
            "map" => Map(value, args),
            "select" or "reject" => new ListValue(Operators.Iterate(value).Where(x => Select(x, args, 0) == (name == "select")).ToList()),
            "selectattr" or "rejectattr" => new ListValue(Operators.Iterate(value).Where(x => Select(Attribute(x, args.Positional[0]), args, 1) == (name == "selectattr")).ToList()),
            "items" => value is UndefinedValue ? new ListValue([]) : Method(value, "items"),
            "dictsort" => DictSort(value, args),
            "tojson" => new StringValue(PythonText.Json(value, JsonStyle.From(args))),
            "safe" => value,
            "escape" or "e" => new StringValue(Escape(PythonText.Str(value))),
            "indent" => new StringValue(Indent(PythonText.Str(value), args)),
            "wordcount" => new IntValue(WordRegex().Count(PythonText.Str(value))),
            "abs" => value is FloatValue fl ? new FloatValue(Math.Abs(fl.Value)) : new IntValue(Math.Abs(Operators.ToLong(value))),
            "round" => Round(value, args),
            "center" => new StringValue(Center(PythonText.Str(value), (int)Operators.ToLong(args.Get(0, "width", new IntValue(80))))),
            "batch" => Batch(value, args),
            "slice" => SliceInto(value, args),
            "max" or "min" => Extreme(value, name == "max"),
            "sum" => Operators.Iterate(value).Aggregate(args.Get(1, "start", new IntValue(0)), (acc, x) => Operators.Binary("+", acc, x)),
            "attr" => Operators.GetAttribute(value, PythonText.Str(args.Positional[0])),
            _ => throw new JinjaRuntimeError($"No filter named '{name}'."),
        };
    }

    private static long Length(JinjaValue value) => value switch
    {
        StringValue s => s.Value.EnumerateRunes().Count(),
        ListValue l => l.Items.Count,
        DictValue d => d.Count,
        UndefinedValue => 0,
        NamespaceValue n => n.Attributes.Count,
        _ => throw new JinjaRuntimeError($"object of type '{value.TypeName}' has no len()"),
    };

    private static JinjaValue Method(JinjaValue value, string name) =>
        (StringMethods.Bind(value, name) ?? throw new JinjaRuntimeError($"'{value.TypeName}' object has no attribute '{name}'")).Invoke(Arguments.None);

    private static JinjaValue ToInt(JinjaValue value, JinjaValue fallback) => value switch
    {
        IntValue => value,
        BoolValue b => new IntValue(b.Value ? 1 : 0),
        FloatValue f => new IntValue((long)f.Value),
        StringValue s when long.TryParse(s.Value.Trim().Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) => new IntValue(i),
        StringValue s when double.TryParse(s.Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => new IntValue((long)d),
        _ => fallback,
    };

    private static JinjaValue ToFloat(JinjaValue value, JinjaValue fallback) => value switch
    {
        FloatValue => value,
        IntValue or BoolValue => new FloatValue(Operators.ToLong(value)),
        StringValue s when double.TryParse(s.Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => new FloatValue(d),
        _ => fallback,
    };

    private static string Title(string s) =>
        string.Concat(WordBeginningRegex().Split(s).Where(item => item.Length > 0).Select(item => char.ToUpperInvariant(item[0]) + item[1..].ToLowerInvariant()));

    private static StringValue Join(JinjaValue value, Arguments args)
    {
        var separator = PythonText.Str(args.Get(0, "d", StringValue.Empty));
        var attribute = args.Get(1, "attribute");
        var items = Operators.Iterate(value).Select(x => attribute is null ? x : Attribute(x, attribute));
        return new StringValue(string.Join(separator, items.Select(PythonText.Str)));
    }

    private static JinjaValue Default(JinjaValue value, Arguments args)
    {
        var fallback = args.Get(0, "default_value", StringValue.Empty);
        var boolean = args.Get(1, "boolean")?.IsTruthy ?? false;
        return value is UndefinedValue || (boolean && !value.IsTruthy) ? fallback : value;
    }

    /// <summary>Looks up a dotted attribute path such as "user.name"; integer parts index lists.</summary>
    public static JinjaValue Attribute(JinjaValue item, JinjaValue path)
    {
        if (path is IntValue)
        {
            return Operators.GetItem(item, path);
        }

        foreach (var part in PythonText.Str(path).Split('.'))
        {
            item = int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                ? Operators.GetItem(item, new IntValue(index))
                : Operators.GetItem(item, new StringValue(part));
            if (item is UndefinedValue)
            {
                return item;
            }
        }

        return item;
    }

    private static bool Select(JinjaValue item, Arguments args, int testAt)
    {
        if (args.Positional.Count <= testAt)
        {
            return item.IsTruthy;
        }

        var testName = PythonText.Str(args.Positional[testAt]);
        return Tests.Apply(testName, item, new Arguments(args.Positional.Skip(testAt + 1).ToList(), []));
    }

    private static ListValue Map(JinjaValue value, Arguments args)
    {
        var items = Operators.Iterate(value);
        var attribute = args.Get(-1, "attribute");
        if (attribute is not null)
        {
            var fallback = args.Get(-1, "default");
            return new ListValue(items.Select(x => Attribute(x, attribute) is var a && a is UndefinedValue && fallback is not null ? fallback : Attribute(x, attribute)).ToList());
        }

        var filter = PythonText.Str(args.Positional[0]);
        var rest = new Arguments(args.Positional.Skip(1).ToList(), args.Named);
        return new ListValue(items.Select(x => Apply(filter, x, rest)).ToList());
    }

    private static JinjaValue SortKey(JinjaValue value, bool caseSensitive) =>
        !caseSensitive && value is StringValue s ? new StringValue(s.Value.ToLowerInvariant()) : value;

    private static ListValue Sort(JinjaValue value, Arguments args)
    {
        var reverse = args.Get(0, "reverse")?.IsTruthy ?? false;
        var caseSensitive = args.Get(1, "case_sensitive")?.IsTruthy ?? false;
        var attribute = args.Get(2, "attribute");
        var items = Operators.Iterate(value).ToList();
        var keys = items.Select(x => SortKey(attribute is null ? x : Attribute(x, attribute), caseSensitive)).ToList();
        var order = Enumerable.Range(0, items.Count).ToList();
        var comparer = Comparer<int>.Create((a, b) => Operators.Compare(keys[a], keys[b], "<"));
        var sorted = reverse ? order.OrderByDescending(i => i, comparer) : order.OrderBy(i => i, comparer);
        return new ListValue(sorted.Select(i => items[i]).ToList());
    }

    private static ListValue Unique(JinjaValue value, Arguments args)
    {
        var caseSensitive = args.Get(0, "case_sensitive")?.IsTruthy ?? false;
        var attribute = args.Get(1, "attribute");
        var seen = new DictValue();
        var result = new List<JinjaValue>();
        foreach (var item in Operators.Iterate(value))
        {
            var key = SortKey(attribute is null ? item : Attribute(item, attribute), caseSensitive);
            if (!seen.TryGet(key, out _))
            {
                seen.Set(key, item);
                result.Add(item);
            }
        }

        return new ListValue(result);
    }

    private static ListValue DictSort(JinjaValue value, Arguments args)
    {
        var caseSensitive = args.Get(0, "case_sensitive")?.IsTruthy ?? false;
        var byValue = PythonText.Str(args.Get(1, "by", new StringValue("key"))) == "value";
        var reverse = args.Get(2, "reverse")?.IsTruthy ?? false;
        var pairs = ((DictValue)value).Pairs.ToList();
        var comparer = Comparer<KeyValuePair<JinjaValue, JinjaValue>>.Create((a, b) =>
            Operators.Compare(SortKey(byValue ? a.Value : a.Key, caseSensitive), SortKey(byValue ? b.Value : b.Key, caseSensitive), "<"));
        var sorted = reverse ? pairs.OrderByDescending(p => p, comparer) : pairs.OrderBy(p => p, comparer);
        return new ListValue(sorted.Select(p => (JinjaValue)new ListValue([p.Key, p.Value], true)).ToList());
    }

    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&#34;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);

    private static string Indent(string s, Arguments args)
    {
        var width = args.Get(0, "width", new IntValue(4));
        var prefix = width is StringValue w ? w.Value : new string(' ', (int)Operators.ToLong(width));
        var first = args.Get(1, "first")?.IsTruthy ?? false;
        var blank = args.Get(2, "blank")?.IsTruthy ?? false;
        var lines = s.Split('\n');
        var builder = new StringBuilder(first ? prefix + lines[0] : lines[0]);
        for (var i = 1; i < lines.Length; i++)
        {
            builder.Append('\n').Append(blank || lines[i].Length > 0 ? prefix + lines[i] : lines[i]);
        }

        return builder.ToString();
    }

    private static FloatValue Round(JinjaValue value, Arguments args)
    {
        var precision = (int)Operators.ToLong(args.Get(0, "precision", new IntValue(0)));
        var method = PythonText.Str(args.Get(1, "method", new StringValue("common")));
        var x = Operators.ToDouble(value);
        var factor = Math.Pow(10, precision);
        return new FloatValue(method switch
        {
            "ceil" => Math.Ceiling(x * factor) / factor,
            "floor" => Math.Floor(x * factor) / factor,
            _ => Math.Round(x, precision, MidpointRounding.ToEven),
        });
    }

    private static string Center(string s, int width)
    {
        if (width <= s.Length)
        {
            return s;
        }

        var total = width - s.Length;
        var left = (total / 2) + (total & width & 1);
        return new string(' ', left) + s + new string(' ', total - left);
    }

    private static ListValue Batch(JinjaValue value, Arguments args)
    {
        var size = (int)Operators.ToLong(args.Positional[0]);
        var fill = args.Get(1, "fill_with");
        var items = Operators.Iterate(value);
        var result = new List<JinjaValue>();
        for (var i = 0; i < items.Count; i += size)
        {
            var chunk = items.Skip(i).Take(size).ToList();
            while (fill is not null && chunk.Count < size)
            {
                chunk.Add(fill);
            }

            result.Add(new ListValue(chunk));
        }

        return new ListValue(result);
    }

    private static ListValue SliceInto(JinjaValue value, Arguments args)
    {
        var slices = (int)Operators.ToLong(args.Positional[0]);
        var items = Operators.Iterate(value);
        var perSlice = items.Count / slices;
        var withExtra = items.Count % slices;
        var result = new List<JinjaValue>();
        var offset = 0;
        for (var i = 0; i < slices; i++)
        {
            var count = perSlice + (i < withExtra ? 1 : 0);
            result.Add(new ListValue(items.Skip(offset).Take(count).ToList()));
            offset += count;
        }

        return new ListValue(result);
    }

    private static JinjaValue Extreme(JinjaValue value, bool max)
    {
        var items = Operators.Iterate(value);
        if (items.Count == 0)
        {
            return new UndefinedValue("No aggregated item, sequence was empty.");
        }

        return items.Aggregate((a, b) => Operators.Compare(SortKey(b, false), SortKey(a, false), "<") * (max ? 1 : -1) > 0 ? b : a);
    }

    [GeneratedRegex(@"([-\s({\[<]+)")]
    private static partial Regex WordBeginningRegex();

    [GeneratedRegex(@"\w+")]
    private static partial Regex WordRegex();
}
