// Jinja2's tests (the right-hand side of 'is'), with Python's type rules: bool counts as a number, a str is iterable.
namespace Parley.Engine.Text.Jinja;

internal static class Tests
{
    public static bool Exists(string name) => name is "defined" or "undefined" or "none" or "string" or "number" or "integer"
        or "float" or "mapping" or "iterable" or "sequence" or "boolean" or "true" or "false" or "even" or "odd"
        or "divisibleby" or "equalto" or "eq" or "==" or "ne" or "!=" or "in" or "lower" or "upper" or "sameas"
        or "callable" or "gt" or "ge" or "lt" or "le" or ">" or ">=" or "<" or "<=" or "greaterthan" or "lessthan";

    public static bool Apply(string name, JinjaValue value, Arguments args)
    {
        JinjaValue Arg() => args.Positional.Count > 0 ? args.Positional[0] : throw new JinjaRuntimeError($"test '{name}' needs an argument");
        return name switch
        {
            "defined" => value is not UndefinedValue,
            "undefined" => value is UndefinedValue,
            "none" => value is NoneValue,
            "string" => value is StringValue,
            "number" => value is IntValue or FloatValue or BoolValue,
            "integer" => value is IntValue,
            "float" => value is FloatValue,
            "mapping" => value is DictValue,
            "iterable" => value is ListValue or DictValue or StringValue or UndefinedValue,
            "sequence" => value is ListValue or DictValue or StringValue,
            "boolean" => value is BoolValue,
            "true" => value is BoolValue { Value: true },
            "false" => value is BoolValue { Value: false },
            "callable" => value is CallableValue,
            "even" => Operators.ToLong(value) % 2 == 0,
            "odd" => Operators.ToLong(value) % 2 != 0,
            "divisibleby" => Operators.ToLong(value) % Operators.ToLong(Arg()) == 0,
            "equalto" or "eq" or "==" => Operators.AreEqual(value, Arg()),
            "ne" or "!=" => !Operators.AreEqual(value, Arg()),
            "gt" or ">" or "greaterthan" => Operators.Compare(value, Arg(), ">") > 0,
            "ge" or ">=" => Operators.Compare(value, Arg(), ">=") >= 0,
            "lt" or "<" or "lessthan" => Operators.Compare(value, Arg(), "<") < 0,
            "le" or "<=" => Operators.Compare(value, Arg(), "<=") <= 0,
            "in" => Operators.Contains(Arg(), value),
            "lower" => value is StringValue s && s.Value.Any(char.IsLower) && !s.Value.Any(char.IsUpper),
            "upper" => value is StringValue s && s.Value.Any(char.IsUpper) && !s.Value.Any(char.IsLower),
            "sameas" => IsSame(value, Arg()),
            _ => throw new JinjaRuntimeError($"No test named '{name}'."),
        };
    }

    private static bool IsSame(JinjaValue a, JinjaValue b) => (a, b) switch
    {
        (NoneValue, NoneValue) or (UndefinedValue, UndefinedValue) => true,
        (BoolValue x, BoolValue y) => x.Value == y.Value,
        _ => ReferenceEquals(a, b),
    };
}
