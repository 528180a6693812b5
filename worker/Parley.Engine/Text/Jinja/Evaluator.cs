// Evaluates expressions against a scope with Jinja2's semantics: 'and'/'or' return an operand, '~' joins str()
// of both sides, comparisons chain, and an inline if without else yields undefined.
namespace Parley.Engine.Text.Jinja;

internal static class Evaluator
{
    public static JinjaValue Evaluate(Expr expr, Scope scope) => expr switch
    {
        ConstantExpr c => c.Value,
        NameExpr n => scope.Lookup(n.Name),
        ListExpr l => new ListValue(l.Items.Select(i => Evaluate(i, scope)).ToList(), l.IsTuple),
        DictExpr d => Dict(d, scope),
        AttributeExpr a => Operators.GetAttribute(Evaluate(a.Target, scope), a.Name),
        ItemExpr i => Operators.GetItem(Evaluate(i.Target, scope), Evaluate(i.Key, scope)),
        SliceExpr s => Slice(s, scope),
        CallExpr c => Call(c, scope),
        FilterExpr f => ApplyFilter(f.Filter, Evaluate(f.Target, scope), scope),
        TestExpr t => BoolValue.Of(Tests.Apply(t.Name, Evaluate(t.Target, scope), Arguments(t.Args, [], scope)) != t.IsNegated),
        UnaryExpr u => Unary(u, scope),
        BinaryExpr b => Binary(b, scope),
        CompareExpr c => Compare(c, scope),
        ConditionalExpr c => Evaluate(c.Test, scope).IsTruthy ? Evaluate(c.Then, scope)
            : c.Else is null ? new UndefinedValue($"the inline if-expression on line {c.Line} evaluated to false and no else section was defined.")
            : Evaluate(c.Else, scope),
        _ => throw new JinjaRuntimeError($"cannot evaluate {expr.GetType().Name}"),
    };

    public static JinjaValue ApplyFilter(FilterCall filter, JinjaValue value, Scope scope) =>
        Filters.Apply(filter.Name, value, Arguments(filter.Args, filter.Kwargs, scope));

    private static DictValue Dict(DictExpr d, Scope scope)
    {
        var dict = new DictValue();
        foreach (var (key, value) in d.Pairs)
        {
            dict.Set(Evaluate(key, scope), Evaluate(value, scope));
        }

        return dict;
    }

    private static JinjaValue Slice(SliceExpr s, Scope scope)
    {
        var target = Evaluate(s.Target, scope);
        if (target is UndefinedValue u)
        {
            throw new JinjaRuntimeError(u.Message);
        }

        return Operators.Slice(target, Optional(s.Start, scope), Optional(s.Stop, scope), Optional(s.Step, scope));
    }

    private static JinjaValue? Optional(Expr? expr, Scope scope) => expr is null ? null : Evaluate(expr, scope);

    private static JinjaValue Call(CallExpr c, Scope scope)
    {
        var callee = Evaluate(c.Callee, scope);
        return callee switch
        {
            CallableValue f => f.Invoke(Arguments(c.Args, c.Kwargs, scope)),
            UndefinedValue u => throw new JinjaRuntimeError(u.Message),
            _ => throw new JinjaRuntimeError($"'{callee.TypeName}' object is not callable"),
        };
    }

    private static Arguments Arguments(IReadOnlyList<Expr> args, IReadOnlyList<(string Name, Expr Value)> kwargs, Scope scope) =>
        new(args.Select(a => Evaluate(a, scope)).ToList(), kwargs.Select(k => (k.Name, Evaluate(k.Value, scope))).ToList());

    private static JinjaValue Unary(UnaryExpr u, Scope scope)
    {
        var value = Evaluate(u.Operand, scope);
        return u.Operator switch
        {
            "not" => BoolValue.Of(!value.IsTruthy),
            "-" => value switch
            {
                FloatValue f => new FloatValue(-f.Value),
                IntValue or BoolValue => new IntValue(-Operators.ToLong(value)),
                UndefinedValue undefined => throw new JinjaRuntimeError(undefined.Message),
                _ => throw new JinjaRuntimeError($"bad operand type for unary -: '{value.TypeName}'"),
            },
            _ => Operators.IsNumber(value) ? value : throw new JinjaRuntimeError($"bad operand type for unary +: '{value.TypeName}'"),
        };
    }

    private static JinjaValue Binary(BinaryExpr b, Scope scope)
    {
        var left = Evaluate(b.Left, scope);
        return b.Operator switch
        {
            "and" => left.IsTruthy ? Evaluate(b.Right, scope) : left,
            "or" => left.IsTruthy ? left : Evaluate(b.Right, scope),
            "~" => new StringValue(PythonText.Str(left) + PythonText.Str(Evaluate(b.Right, scope))),
            _ => Operators.Binary(b.Operator, left, Evaluate(b.Right, scope)),
        };
    }

    private static BoolValue Compare(CompareExpr c, Scope scope)
    {
        var left = Evaluate(c.First, scope);
        foreach (var (op, operand) in c.Rest)
        {
            var right = Evaluate(operand, scope);
            var holds = op switch
            {
                "==" => Operators.AreEqual(left, right),
                "!=" => !Operators.AreEqual(left, right),
                "in" => Operators.Contains(right, left),
                "not in" => !Operators.Contains(right, left),
                _ => Ordered(op, left, right),
            };
            if (!holds)
            {
                return BoolValue.False;
            }

            left = right;
        }

        return BoolValue.True;
    }

    private static bool Ordered(string op, JinjaValue left, JinjaValue right)
    {
        if (left is UndefinedValue u || (right is UndefinedValue u2 && (u = u2) is not null))
        {
            throw new JinjaRuntimeError(u.Message);
        }

        var order = Operators.Compare(left, right, op);
        return op switch
        {
            "<" => order < 0,
            "<=" => order <= 0,
            ">" => order > 0,
            _ => order >= 0,
        };
    }
}
