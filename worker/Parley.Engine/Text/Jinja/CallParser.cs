// Argument lists after '(' and the two chains on a value: '| filter(args)' and 'is [not] test args'.
// Unknown filter and test names fail at parse time, as in Jinja2.
namespace Parley.Engine.Text.Jinja;

internal sealed class CallParser(TokenStream tokens, ExpressionParser expressions)
{
    /// <summary>Arguments after an already consumed '(' up to and including ')'.</summary>
    public (List<Expr> Args, List<(string, Expr)> Kwargs) ParseCallArguments()
    {
        var args = new List<Expr>();
        var kwargs = new List<(string, Expr)>();
        while (!tokens.SkipOperator(")"))
        {
            if (tokens.Current.Kind == TokenKind.Name && tokens.Peek().IsOperator("="))
            {
                var name = tokens.Next().Value;
                tokens.Next();
                kwargs.Add((name, expressions.Parse()));
            }
            else
            {
                args.Add(expressions.Parse());
            }

            if (!tokens.SkipOperator(","))
            {
                tokens.Expect(TokenKind.Operator, ")");
                break;
            }
        }

        return (args, kwargs);
    }

    public FilterCall ParseFilterCall()
    {
        var token = tokens.Expect(TokenKind.Name);
        if (!Filters.Exists(token.Value))
        {
            throw new JinjaException($"No filter named '{token.Value}'", token.Line);
        }

        if (!tokens.SkipOperator("("))
        {
            return new FilterCall(token.Value, [], [], token.Line);
        }

        var (args, kwargs) = ParseCallArguments();
        return new FilterCall(token.Value, args, kwargs, token.Line);
    }

    public TestExpr ParseTest(Expr target, int line)
    {
        var negated = tokens.SkipName("not");
        var nameToken = tokens.Next();
        var name = nameToken.Kind == TokenKind.Operator && nameToken.Value is "==" or "!=" or "<" or ">" or "<=" or ">=" ? nameToken.Value
            : nameToken.Kind == TokenKind.Name ? nameToken.Value
            : throw new JinjaException($"Expected a test name after 'is', got {nameToken}", nameToken.Line);
        if (!Tests.Exists(name))
        {
            throw new JinjaException($"No test named '{name}'", nameToken.Line);
        }

        var args = new List<Expr>();
        if (tokens.SkipOperator("("))
        {
            args = ParseCallArguments().Args;
        }
        else if (tokens.Current.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float
            && !(tokens.Current.Kind == TokenKind.Name && tokens.Current.Value is "else" or "or" or "and" or "if" or "is" or "in" or "not"))
        {
            args.Add(expressions.ParsePrimaryWithPostfix());
        }

        return new TestExpr(target, name, args, negated, line);
    }
}
