// The values a template computes with, modelled on the Python objects Jinja2 sees in transformers:
// Undefined, None, bool, int, float, str, list/tuple, dict (insertion-ordered), callables, namespace() and loop.
namespace Parley.Engine.Text.Jinja;

internal abstract class JinjaValue
{
    /// <summary>Python truthiness.</summary>
    public virtual bool IsTruthy => true;

    /// <summary>The Python type name, as Jinja2's error messages print it.</summary>
    public abstract string TypeName { get; }

    public override string ToString() => PythonText.Str(this);
}

/// <summary>Jinja2's default Undefined: prints as '', iterates as empty, fails on most operations.</summary>
internal sealed class UndefinedValue(string message) : JinjaValue
{
    public static readonly UndefinedValue Instance = new("value is undefined");

    /// <summary>What Jinja2 says when the value is used, e.g. <c>'dict object' has no attribute 'x'</c>.</summary>
    public string Message { get; } = message;

    public override bool IsTruthy => false;

    public override string TypeName => "Undefined";

    public static UndefinedValue Named(string name) => new($"'{name}' is undefined");
}

internal sealed class NoneValue : JinjaValue
{
    public static readonly NoneValue Instance = new();

    private NoneValue()
    {
    }

    public override bool IsTruthy => false;

    public override string TypeName => "NoneType";
}

internal sealed class BoolValue : JinjaValue
{
    public static readonly BoolValue True = new(true);
    public static readonly BoolValue False = new(false);

    private BoolValue(bool value) => Value = value;

    public bool Value { get; }

    public override bool IsTruthy => Value;

    public override string TypeName => "bool";

    public static BoolValue Of(bool value) => value ? True : False;
}

internal sealed class IntValue(long value) : JinjaValue
{
    public long Value { get; } = value;

    public override bool IsTruthy => Value != 0;

    public override string TypeName => "int";
}

internal sealed class FloatValue(double value) : JinjaValue
{
    public double Value { get; } = value;

    public override bool IsTruthy => Value != 0;

    public override string TypeName => "float";
}

internal sealed class StringValue(string value) : JinjaValue
{
    public static readonly StringValue Empty = new("");

    public string Value { get; } = value;

    public override bool IsTruthy => Value.Length > 0;

    public override string TypeName => "str";
}

internal sealed class ListValue(IReadOnlyList<JinjaValue> items, bool isTuple = false) : JinjaValue
{
    public IReadOnlyList<JinjaValue> Items { get; } = items;

    public bool IsTuple { get; } = isTuple;

    public override bool IsTruthy => Items.Count > 0;

    public override string TypeName => IsTuple ? "tuple" : "list";
}

/// <summary>A Python dict: keys compare like Python (1 == 1.0 == True), iteration keeps insertion order.</summary>
internal sealed class DictValue : JinjaValue
{
    private readonly Dictionary<JinjaValue, JinjaValue> _map = new(KeyComparer.Instance);
    private readonly List<JinjaValue> _keys = [];

    public IReadOnlyList<JinjaValue> Keys => _keys;

    public int Count => _keys.Count;

    public IEnumerable<KeyValuePair<JinjaValue, JinjaValue>> Pairs => _keys.Select(k => KeyValuePair.Create(k, _map[k]));

    public override bool IsTruthy => _keys.Count > 0;

    public override string TypeName => "dict";

    public void Set(JinjaValue key, JinjaValue value)
    {
        if (!_map.ContainsKey(key))
        {
            _keys.Add(key);
        }

        _map[key] = value;
    }

    public bool TryGet(JinjaValue key, out JinjaValue value) => _map.TryGetValue(key, out value!);

    private sealed class KeyComparer : IEqualityComparer<JinjaValue>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(JinjaValue? x, JinjaValue? y) => x is not null && y is not null && Operators.AreEqual(x, y);

        public int GetHashCode(JinjaValue obj) => obj switch
        {
            StringValue s => StringComparer.Ordinal.GetHashCode(s.Value),
            IntValue i => ((double)i.Value).GetHashCode(),
            FloatValue f => f.Value.GetHashCode(),
            BoolValue b => (b.Value ? 1.0 : 0.0).GetHashCode(),
            NoneValue => 0,
            _ => PythonText.Repr(obj).GetHashCode(StringComparison.Ordinal),
        };
    }
}

internal sealed class CallableValue(string name, Func<Arguments, JinjaValue> invoke) : JinjaValue
{
    public string Name { get; } = name;

    public Func<Arguments, JinjaValue> Invoke { get; } = invoke;

    public override string TypeName => "function";
}

/// <summary>The mutable object <c>namespace(...)</c> returns; the only thing <c>{% set ns.attr = x %}</c> may change.</summary>
internal sealed class NamespaceValue : JinjaValue
{
    public Dictionary<string, JinjaValue> Attributes { get; } = new(StringComparer.Ordinal);

    public override string TypeName => "Namespace";
}

/// <summary>The <c>loop</c> variable of a for loop over <see cref="Items"/>, currently at <see cref="Index0"/>.</summary>
internal sealed class LoopValue(IReadOnlyList<JinjaValue> items) : JinjaValue
{
    public IReadOnlyList<JinjaValue> Items { get; } = items;

    public int Index0 { get; set; }

    public override string TypeName => "LoopContext";

    public JinjaValue Attribute(string name) => name switch
    {
        "index0" => new IntValue(Index0),
        "index" => new IntValue(Index0 + 1),
        "revindex" => new IntValue(Items.Count - Index0),
        "revindex0" => new IntValue(Items.Count - Index0 - 1),
        "first" => BoolValue.Of(Index0 == 0),
        "last" => BoolValue.Of(Index0 == Items.Count - 1),
        "length" => new IntValue(Items.Count),
        "depth" => new IntValue(1),
        "depth0" => new IntValue(0),
        "previtem" => Index0 > 0 ? Items[Index0 - 1] : UndefinedValue.Named("previtem"),
        "nextitem" => Index0 + 1 < Items.Count ? Items[Index0 + 1] : UndefinedValue.Named("nextitem"),
        "cycle" => new CallableValue("cycle", args => args.Positional.Count == 0
            ? throw new JinjaRuntimeError("no items for cycling given")
            : args.Positional[Index0 % args.Positional.Count]),
        _ => new UndefinedValue($"'LoopContext object' has no attribute '{name}'"),
    };
}
