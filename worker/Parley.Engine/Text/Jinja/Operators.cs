// Python semantics for the operators templates use: equality and ordering, arithmetic, 'in', iteration,
// attribute and item lookup (Jinja2 tries the attribute first for '.', the item first for '[]'), and slicing.
namespace Parley.Engine.Text.Jinja;

internal static class Operators
{
    public static bool AreEqual(JinjaValue a, JinjaValue b) => (a, b) switch
    {
        (StringValue x, StringValue y) => x.Value == y.Value,
        (NoneValue, NoneValue) => true,
        (UndefinedValue, UndefinedValue) => true,
        (ListValue x, ListValue y) => x.IsTuple == y.IsTuple && x.Items.Count == y.Items.Count && x.Items.Zip(y.Items).All(p => AreEqual(p.First, p.Second)),
        (DictValue x, DictValue y) => x.Count == y.Count && x.Pairs.All(p => y.TryGet(p.Key, out var v) && AreEqual(p.Value, v)),
        _ when IsNumber(a) && IsNumber(b) => a is FloatValue || b is FloatValue ? ToDouble(a) == ToDouble(b) : ToLong(a) == ToLong(b),
        _ => ReferenceEquals(a, b),
    };

    public static bool IsNumber(JinjaValue value) => value is IntValue or FloatValue or BoolValue;

    public static long ToLong(JinjaValue value) => value switch
    {
        IntValue i => i.Value,
        BoolValue b => b.Value ? 1 : 0,
        FloatValue f => (long)f.Value,
        _ => throw new JinjaRuntimeError($"expected a number, got {value.TypeName}"),
    };

    public static double ToDouble(JinjaValue value) => value is FloatValue f ? f.Value : ToLong(value);

    public static int Compare(JinjaValue a, JinjaValue b, string op) => (a, b) switch
    {
        (StringValue x, StringValue y) => string.CompareOrdinal(x.Value, y.Value),
        _ when IsNumber(a) && IsNumber(b) => ToDouble(a).CompareTo(ToDouble(b)),
        (ListValue x, ListValue y) => CompareSequences(x.Items, y.Items, op),
        _ => throw new JinjaRuntimeError($"'{op}' not supported between instances of '{a.TypeName}' and '{b.TypeName}'"),
    };

    private static int CompareSequences(IReadOnlyList<JinjaValue> x, IReadOnlyList<JinjaValue> y, string op)
    {
        for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
        {
            if (!AreEqual(x[i], y[i]))
            {
                return Compare(x[i], y[i], op);
            }
        }

        return x.Count.CompareTo(y.Count);
    }

    public static bool Contains(JinjaValue container, JinjaValue item) => container switch
    {
        StringValue s when item is StringValue t => s.Value.Contains(t.Value, StringComparison.Ordinal),
        StringValue => throw new JinjaRuntimeError($"'in <string>' requires string as left operand, not {item.TypeName}"),
        DictValue d => d.TryGet(item, out _),
        ListValue l => l.Items.Any(x => AreEqual(x, item)),
        UndefinedValue => false,
        _ => throw new JinjaRuntimeError($"argument of type '{container.TypeName}' is not iterable"),
    };

    public static IReadOnlyList<JinjaValue> Iterate(JinjaValue value) => value switch
    {
        ListValue l => l.Items,
        DictValue d => d.Keys,
        StringValue s => s.Value.EnumerateRunes().Select(r => (JinjaValue)new StringValue(r.ToString())).ToList(),
        UndefinedValue => [],
        _ => throw new JinjaRuntimeError($"'{value.TypeName}' object is not iterable"),
    };

    public static JinjaValue Binary(string op, JinjaValue a, JinjaValue b)
    {
        if (a is UndefinedValue u || (b is UndefinedValue u2 && (u = u2) is not null))
        {
            throw new JinjaRuntimeError(u.Message);
        }

        return op switch
        {
            "+" => Add(a, b),
            "-" or "*" or "/" or "//" or "%" or "**" => Arithmetic(op, a, b),
            _ => throw new JinjaRuntimeError($"unknown operator '{op}'"),
        };
    }

    private static JinjaValue Add(JinjaValue a, JinjaValue b) => (a, b) switch
    {
        (StringValue x, StringValue y) => new StringValue(x.Value + y.Value),
        (ListValue x, ListValue y) when x.IsTuple == y.IsTuple => new ListValue([.. x.Items, .. y.Items], x.IsTuple),
        _ when IsNumber(a) && IsNumber(b) => Arithmetic("+", a, b),
        (StringValue, _) => throw new JinjaRuntimeError($"can only concatenate str (not \"{b.TypeName}\") to str"),
        (ListValue, _) => throw new JinjaRuntimeError($"can only concatenate list (not \"{b.TypeName}\") to list"),
        _ => throw new JinjaRuntimeError($"unsupported operand type(s) for +: '{a.TypeName}' and '{b.TypeName}'"),
    };

    private static JinjaValue Arithmetic(string op, JinjaValue a, JinjaValue b)
    {
        if (op == "*" && (a, b) is (StringValue or ListValue, IntValue) or (IntValue, StringValue or ListValue))
        {
            return Repeat(a is IntValue ? b : a, ToLong(a is IntValue ? a : b));
        }

        if (op == "%" && a is StringValue format)
        {
            return new StringValue(StringMethods.PercentFormat(format.Value, b));
        }

        if (!IsNumber(a) || !IsNumber(b))
        {
            throw new JinjaRuntimeError($"unsupported operand type(s) for {op}: '{a.TypeName}' and '{b.TypeName}'");
        }

        if (op == "/")
        {
            return ToDouble(b) == 0 ? throw new JinjaRuntimeError("division by zero") : new FloatValue(ToDouble(a) / ToDouble(b));
        }

        if (a is FloatValue || b is FloatValue || (op == "**" && ToLong(b) < 0))
        {
            double x = ToDouble(a), y = ToDouble(b);
            return new FloatValue(op switch
            {
                "+" => x + y,
                "-" => x - y,
                "*" => x * y,
                "**" => Math.Pow(x, y),
                "//" => y == 0 ? throw new JinjaRuntimeError("float floor division by zero") : Math.Floor(x / y),
                _ => y == 0 ? throw new JinjaRuntimeError("float modulo") : x - (y * Math.Floor(x / y)),
            });
        }

        long l = ToLong(a), r = ToLong(b);
        return new IntValue(op switch
        {
            "+" => l + r,
            "-" => l - r,
            "*" => l * r,
            "**" => (long)Math.Pow(l, r),
            "//" => r == 0 ? throw new JinjaRuntimeError("integer division or modulo by zero") : FloorDiv(l, r),
            _ => r == 0 ? throw new JinjaRuntimeError("integer division or modulo by zero") : l - (r * FloorDiv(l, r)),
        });
    }

    private static long FloorDiv(long l, long r) => (l / r) - ((l % r != 0) && ((l < 0) != (r < 0)) ? 1 : 0);

    private static JinjaValue Repeat(JinjaValue value, long count) => value is StringValue s
        ? new StringValue(string.Concat(Enumerable.Repeat(s.Value, (int)Math.Max(0, count))))
        : new ListValue(Enumerable.Repeat(((ListValue)value).Items, (int)Math.Max(0, count)).SelectMany(x => x).ToList(), ((ListValue)value).IsTuple);

    public static JinjaValue GetAttribute(JinjaValue target, string name)
    {
        switch (target)
        {
            case UndefinedValue u:
                throw new JinjaRuntimeError(u.Message);
            case LoopValue loop:
                return loop.Attribute(name);
            case NamespaceValue ns:
                return ns.Attributes.TryGetValue(name, out var attribute) ? attribute : new UndefinedValue($"'Namespace object' has no attribute '{name}'");
        }

        return StringMethods.Bind(target, name) ?? LookupItem(target, new StringValue(name)) ?? NoAttribute(target, name);
    }

    public static JinjaValue GetItem(JinjaValue target, JinjaValue key)
    {
        if (target is UndefinedValue u)
        {
            throw new JinjaRuntimeError(u.Message);
        }

        return LookupItem(target, key)
            ?? (key is StringValue name ? StringMethods.Bind(target, name.Value) ?? GetAttribute(target, name.Value) : null)
            ?? NoAttribute(target, PythonText.Str(key));
    }

    private static UndefinedValue NoAttribute(JinjaValue target, string name) => target is DictValue or ListValue or StringValue
        ? new UndefinedValue($"'{target.TypeName} object' has no attribute '{name}'")
        : new UndefinedValue($"'{PythonText.Repr(target)}' has no attribute '{name}'");

    private static JinjaValue? LookupItem(JinjaValue target, JinjaValue key)
    {
        switch (target)
        {
            case DictValue d:
                return d.TryGet(key, out var value) ? value : null;
            case NamespaceValue ns when key is StringValue s:
                return ns.Attributes.GetValueOrDefault(s.Value);
            case LoopValue loop when key is StringValue s:
                return loop.Attribute(s.Value);
            case ListValue or StringValue when key is IntValue or BoolValue:
                var items = target is ListValue l ? l.Items : Iterate(target);
                var index = ToLong(key);
                index = index < 0 ? index + items.Count : index;
                return index >= 0 && index < items.Count ? items[(int)index] : null;
            default:
                return null;
        }
    }

    public static JinjaValue Slice(JinjaValue target, JinjaValue? start, JinjaValue? stop, JinjaValue? step)
    {
        var items = target switch
        {
            ListValue l => l.Items,
            StringValue => Iterate(target),
            _ => throw new JinjaRuntimeError($"'{target.TypeName}' object is not subscriptable"),
        };
        var stride = step is null or NoneValue ? 1 : ToLong(step);
        if (stride == 0)
        {
            throw new JinjaRuntimeError("slice step cannot be zero");
        }

        var count = items.Count;
        long Bound(JinjaValue? v, long fallback, long low, long high)
        {
            if (v is null or NoneValue)
            {
                return fallback;
            }

            var i = ToLong(v);
            i = i < 0 ? i + count : i;
            return Math.Clamp(i, low, high);
        }

        var from = stride > 0 ? Bound(start, 0, 0, count) : Bound(start, count - 1, -1, count - 1);
        var to = stride > 0 ? Bound(stop, count, 0, count) : Bound(stop, -1, -1, count - 1);
        var result = new List<JinjaValue>();
        for (var i = from; stride > 0 ? i < to : i > to; i += stride)
        {
            result.Add(items[(int)i]);
        }

        return target is StringValue
            ? new StringValue(string.Concat(result.Select(PythonText.Str)))
            : new ListValue(result, ((ListValue)target).IsTuple);
    }
}
