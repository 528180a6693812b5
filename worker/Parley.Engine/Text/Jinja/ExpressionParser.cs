// Jinja2's expression grammar, lowest precedence first: conditional, or, and, not, comparison, + -, ~,
// * / // %, **, unary - +, then primaries with postfix [ ] . ( ) and the filter/test chain (| and is).
using System.Globalization;

namespace Parley.Engine.Text.Jinja;

internal sealed class ExpressionParser
{
    private static readonly string[] CompareOperators = ["==", "!=", "<", ">", "<=", ">="];

    private readonly TokenStream _tokens;

    public ExpressionParser(TokenStream tokens)
    {
        _tokens = tokens;
        Calls = new CallParser(tokens, this);
    }

    /// <summary>Parses call arguments, filters and tests, which take expressions as arguments.</summary>
    public CallParser Calls { get; }

    public Expr Parse(bool withConditional = true)
    {
        var line = _tokens.Current.Line;
        var expr = ParseOr();
        while (withConditional && _tokens.SkipName("if"))
        {
            var test = ParseOr();
            var otherwise = _tokens.SkipName("else") ? Parse() : null;
            expr = new ConditionalExpr(test, expr, otherwise, line);
        }

        return expr;
    }

    /// <summary>A comma-separated list where a trailing comma or several items make a tuple (set and for targets).</summary>
    public Expr ParseTuple()
    {
        var line = _tokens.Current.Line;
        var first = Parse();
        if (!_tokens.Current.IsOperator(","))
        {
            return first;
        }

        var items = new List<Expr> { first };
        while (_tokens.SkipOperator(",") && !IsTupleEnd())
        {
            items.Add(Parse());
        }

        return new ListExpr(items, true, line);
    }

    private bool IsTupleEnd() => _tokens.Current.Kind is TokenKind.BlockEnd or TokenKind.VariableEnd
        || _tokens.Current.IsOperator(")") || _tokens.Current.IsOperator("=");

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (_tokens.Current.IsName("or"))
        {
            var line = _tokens.Next().Line;
            left = new BinaryExpr("or", left, ParseAnd(), line);
        }

        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (_tokens.Current.IsName("and"))
        {
            var line = _tokens.Next().Line;
            left = new BinaryExpr("and", left, ParseNot(), line);
        }

        return left;
    }

    private Expr ParseNot()
    {
        if (_tokens.Current.IsName("not"))
        {
            var line = _tokens.Next().Line;
            return new UnaryExpr("not", ParseNot(), line);
        }

        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        var line = _tokens.Current.Line;
        var first = ParseMath1();
        var rest = new List<(string, Expr)>();
        while (true)
        {
            if (_tokens.Current.Kind == TokenKind.Operator && CompareOperators.Contains(_tokens.Current.Value))
            {
                var op = _tokens.Next().Value;
                rest.Add((op, ParseMath1()));
            }
            else if (_tokens.SkipName("in"))
            {
                rest.Add(("in", ParseMath1()));
            }
            else if (_tokens.Current.IsName("not") && _tokens.Peek().IsName("in"))
            {
                _tokens.Next();
                _tokens.Next();
                rest.Add(("not in", ParseMath1()));
            }
            else
            {
                break;
            }
        }

        return rest.Count == 0 ? first : new CompareExpr(first, rest, line);
    }

    private Expr ParseMath1()
    {
        var left = ParseConcat();
        while (_tokens.Current.IsOperator("+") || _tokens.Current.IsOperator("-"))
        {
            var token = _tokens.Next();
            left = new BinaryExpr(token.Value, left, ParseConcat(), token.Line);
        }

        return left;
    }

    private Expr ParseConcat()
    {
        var left = ParseMath2();
        while (_tokens.Current.IsOperator("~"))
        {
            var line = _tokens.Next().Line;
            left = new BinaryExpr("~", left, ParseMath2(), line);
        }

        return left;
    }

    private Expr ParseMath2()
    {
        var left = ParsePow();
        while (_tokens.Current.Kind == TokenKind.Operator && _tokens.Current.Value is "*" or "/" or "//" or "%")
        {
            var token = _tokens.Next();
            left = new BinaryExpr(token.Value, left, ParsePow(), token.Line);
        }

        return left;
    }

    private Expr ParsePow()
    {
        var left = ParseUnary(true);
        while (_tokens.Current.IsOperator("**"))
        {
            var line = _tokens.Next().Line;
            left = new BinaryExpr("**", left, ParseUnary(true), line);
        }

        return left;
    }

    private Expr ParseUnary(bool withFilter)
    {
        var token = _tokens.Current;
        Expr node;
        if (token.IsOperator("-") || token.IsOperator("+"))
        {
            _tokens.Next();
            node = new UnaryExpr(token.Value, ParseUnary(false), token.Line);
        }
        else
        {
            node = ParsePrimary();
        }

        node = ParsePostfix(node);
        return withFilter ? ParseFilterChain(node) : node;
    }

    /// <summary>A literal or name with its [ ] . ( ) suffixes, as a test's bare argument.</summary>
    public Expr ParsePrimaryWithPostfix() => ParsePostfix(ParsePrimary());

    private Expr ParsePrimary()
    {
        var token = _tokens.Next();
        switch (token.Kind)
        {
            case TokenKind.Name:
                return token.Value switch
                {
                    "true" or "True" => new ConstantExpr(BoolValue.True, token.Line),
                    "false" or "False" => new ConstantExpr(BoolValue.False, token.Line),
                    "none" or "None" => new ConstantExpr(NoneValue.Instance, token.Line),
                    _ => new NameExpr(token.Value, token.Line),
                };
            case TokenKind.String:
                var text = token.Value;
                while (_tokens.Current.Kind == TokenKind.String)
                {
                    text += _tokens.Next().Value;
                }

                return new ConstantExpr(new StringValue(text), token.Line);
            case TokenKind.Integer:
                return new ConstantExpr(new IntValue(long.Parse(token.Value, CultureInfo.InvariantCulture)), token.Line);
            case TokenKind.Float:
                return new ConstantExpr(new FloatValue(double.Parse(token.Value, CultureInfo.InvariantCulture)), token.Line);
            case TokenKind.Operator when token.Value == "(":
                return ParseParenthesised(token.Line);
            case TokenKind.Operator when token.Value == "[":
                var items = ParseItems("]");
                return new ListExpr(items, false, token.Line);
            case TokenKind.Operator when token.Value == "{":
                return ParseDict(token.Line);
            default:
                throw new JinjaException($"Unexpected {token}", token.Line);
        }
    }

    private Expr ParseParenthesised(int line)
    {
        if (_tokens.SkipOperator(")"))
        {
            return new ListExpr([], true, line);
        }

        var first = Parse();
        if (_tokens.SkipOperator(")"))
        {
            return first;
        }

        _tokens.Expect(TokenKind.Operator, ",");
        return new ListExpr([first, .. ParseItems(")")], true, line);
    }

    private List<Expr> ParseItems(string close)
    {
        var items = new List<Expr>();
        while (!_tokens.SkipOperator(close))
        {
            items.Add(Parse());
            if (!_tokens.SkipOperator(","))
            {
                _tokens.Expect(TokenKind.Operator, close);
                break;
            }
        }

        return items;
    }

    private DictExpr ParseDict(int line)
    {
        var pairs = new List<(Expr, Expr)>();
        while (!_tokens.SkipOperator("}"))
        {
            var key = Parse();
            _tokens.Expect(TokenKind.Operator, ":");
            pairs.Add((key, Parse()));
            if (!_tokens.SkipOperator(","))
            {
                _tokens.Expect(TokenKind.Operator, "}");
                break;
            }
        }

        return new DictExpr(pairs, line);
    }

    private Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            var token = _tokens.Current;
            if (token.IsOperator("."))
            {
                _tokens.Next();
                var name = _tokens.Current.Kind == TokenKind.Integer ? _tokens.Next().Value : _tokens.ExpectName();
                node = int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                    ? new ItemExpr(node, new ConstantExpr(new IntValue(index), token.Line), token.Line)
                    : new AttributeExpr(node, name, token.Line);
            }
            else if (token.IsOperator("["))
            {
                _tokens.Next();
                node = ParseSubscript(node, token.Line);
            }
            else if (token.IsOperator("("))
            {
                _tokens.Next();
                var (args, kwargs) = Calls.ParseCallArguments();
                node = new CallExpr(node, args, kwargs, token.Line);
            }
            else
            {
                return node;
            }
        }
    }

    private Expr ParseSubscript(Expr target, int line)
    {
        Expr? start = null, stop = null, step = null;
        if (!_tokens.Current.IsOperator(":"))
        {
            start = Parse();
            if (_tokens.SkipOperator("]"))
            {
                return new ItemExpr(target, start, line);
            }
        }

        _tokens.Expect(TokenKind.Operator, ":");
        if (!_tokens.Current.IsOperator("]") && !_tokens.Current.IsOperator(":"))
        {
            stop = Parse();
        }

        if (_tokens.SkipOperator(":") && !_tokens.Current.IsOperator("]"))
        {
            step = Parse();
        }

        _tokens.Expect(TokenKind.Operator, "]");
        return new SliceExpr(target, start, stop, step, line);
    }

    private Expr ParseFilterChain(Expr node)
    {
        while (true)
        {
            var token = _tokens.Current;
            if (token.IsOperator("|"))
            {
                _tokens.Next();
                node = new FilterExpr(node, Calls.ParseFilterCall(), token.Line);
            }
            else if (token.IsName("is"))
            {
                _tokens.Next();
                node = Calls.ParseTest(node, token.Line);
            }
            else if (token.IsOperator("(") || token.IsOperator("[") || token.IsOperator("."))
            {
                node = ParsePostfix(node);
            }
            else
            {
                return node;
            }
        }
    }
}
