// Builds the statement tree: text, {{ output }}, and the {% %} statements transformers' templates use.
// Anything else (extends, include, import, ...) fails here, at parse time, naming the construct and its line.
namespace Parley.Engine.Text.Jinja;

internal sealed class Parser
{
    private readonly TokenStream _tokens;
    private readonly ExpressionParser _expressions;

    private Parser(List<Token> tokens)
    {
        _tokens = new TokenStream(tokens);
        _expressions = new ExpressionParser(_tokens);
    }

    public static IReadOnlyList<Node> Parse(string source)
    {
        var parser = new Parser(Lexer.Tokenize(source));
        var body = parser.ParseBody([], out _);
        return body;
    }

    /// <summary>Parses nodes until a block tag named in <paramref name="endTags"/>, which is consumed up to its name.</summary>
    private List<Node> ParseBody(string[] endTags, out string endTag)
    {
        var nodes = new List<Node>();
        while (true)
        {
            var token = _tokens.Next();
            switch (token.Kind)
            {
                case TokenKind.End:
                    if (endTags.Length > 0)
                    {
                        throw new JinjaException($"Unexpected end of template: expected '{string.Join("' or '", endTags)}'", token.Line);
                    }

                    endTag = "";
                    return nodes;
                case TokenKind.Text:
                    nodes.Add(new TextNode(token.Value, token.Line));
                    break;
                case TokenKind.VariableBegin:
                    nodes.Add(new OutputNode(_expressions.Parse(), token.Line));
                    _tokens.Expect(TokenKind.VariableEnd);
                    break;
                case TokenKind.BlockBegin:
                    var name = _tokens.Current;
                    if (name.Kind == TokenKind.Name && endTags.Contains(name.Value))
                    {
                        _tokens.Next();
                        endTag = name.Value;
                        return nodes;
                    }

                    nodes.Add(ParseStatement());
                    break;
                default:
                    throw new JinjaException($"Unexpected {token}", token.Line);
            }
        }
    }

    private Node ParseStatement()
    {
        var token = _tokens.Expect(TokenKind.Name);
        Node node = token.Value switch
        {
            "if" => ParseIf(token.Line),
            "for" => ParseFor(token.Line),
            "set" => ParseSet(token.Line),
            "macro" => ParseMacro(token.Line),
            "filter" => ParseFilterBlock(token.Line),
            "generation" => ParseGeneration(token.Line),
            "break" => new BreakNode(token.Line),
            "continue" => new ContinueNode(token.Line),
            _ when token.Value.StartsWith("end", StringComparison.Ordinal) || token.Value is "elif" or "else" =>
                throw new JinjaException($"Unexpected '{token.Value}'", token.Line),
            _ => throw new JinjaException($"Unsupported Jinja construct '{token.Value}'", token.Line),
        };
        if (node is not (IfNode or ForNode or MacroNode or FilterBlockNode or GenerationNode or SetBlockNode))
        {
            _tokens.Expect(TokenKind.BlockEnd);
        }

        return node;
    }

    private IfNode ParseIf(int line)
    {
        var branches = new List<(Expr, IReadOnlyList<Node>)>();
        var test = _expressions.Parse();
        while (true)
        {
            _tokens.Expect(TokenKind.BlockEnd);
            var body = ParseBody(["elif", "else", "endif"], out var end);
            branches.Add((test, body));
            if (end == "elif")
            {
                test = _expressions.Parse();
                continue;
            }

            IReadOnlyList<Node> otherwise = [];
            if (end == "else")
            {
                _tokens.Expect(TokenKind.BlockEnd);
                otherwise = ParseBody(["endif"], out _);
            }

            _tokens.Expect(TokenKind.BlockEnd);
            return new IfNode(branches, otherwise, line);
        }
    }

    private ForNode ParseFor(int line)
    {
        var targets = new List<string> { _tokens.ExpectName() };
        while (_tokens.SkipOperator(","))
        {
            targets.Add(_tokens.ExpectName());
        }

        _tokens.Expect(TokenKind.Name, "in");
        var iterable = _expressions.Parse(withConditional: false);
        var filter = _tokens.SkipName("if") ? _expressions.Parse(withConditional: false) : null;
        if (_tokens.Current.IsName("recursive"))
        {
            throw new JinjaException("Unsupported Jinja construct 'recursive' loop", _tokens.Current.Line);
        }

        _tokens.Expect(TokenKind.BlockEnd);
        var body = ParseBody(["else", "endfor"], out var end);
        IReadOnlyList<Node> otherwise = [];
        if (end == "else")
        {
            _tokens.Expect(TokenKind.BlockEnd);
            otherwise = ParseBody(["endfor"], out _);
        }

        _tokens.Expect(TokenKind.BlockEnd);
        return new ForNode(targets, iterable, filter, body, otherwise, line);
    }

    private Node ParseSet(int line)
    {
        var first = _tokens.ExpectName();
        if (_tokens.SkipOperator("."))
        {
            var attribute = _tokens.ExpectName();
            _tokens.Expect(TokenKind.Operator, "=");
            return new SetNode([first], attribute, _expressions.ParseTuple(), line);
        }

        var targets = new List<string> { first };
        while (_tokens.SkipOperator(","))
        {
            targets.Add(_tokens.ExpectName());
        }

        if (_tokens.SkipOperator("="))
        {
            return new SetNode(targets, null, _expressions.ParseTuple(), line);
        }

        var filters = new List<FilterCall>();
        while (_tokens.SkipOperator("|"))
        {
            filters.Add(_expressions.Calls.ParseFilterCall());
        }

        _tokens.Expect(TokenKind.BlockEnd);
        var body = ParseBody(["endset"], out _);
        _tokens.Expect(TokenKind.BlockEnd);
        return new SetBlockNode(first, body, filters, line);
    }

    private MacroNode ParseMacro(int line)
    {
        var name = _tokens.ExpectName();
        _tokens.Expect(TokenKind.Operator, "(");
        var parameters = new List<(string, Expr?)>();
        while (!_tokens.SkipOperator(")"))
        {
            var parameter = _tokens.ExpectName();
            parameters.Add((parameter, _tokens.SkipOperator("=") ? _expressions.Parse() : null));
            if (!_tokens.SkipOperator(","))
            {
                _tokens.Expect(TokenKind.Operator, ")");
                break;
            }
        }

        _tokens.Expect(TokenKind.BlockEnd);
        var body = ParseBody(["endmacro"], out _);
        _tokens.Expect(TokenKind.BlockEnd);
        return new MacroNode(name, parameters, body, line);
    }

    private FilterBlockNode ParseFilterBlock(int line)
    {
        var filters = new List<FilterCall> { _expressions.Calls.ParseFilterCall() };
        while (_tokens.SkipOperator("|"))
        {
            filters.Add(_expressions.Calls.ParseFilterCall());
        }

        _tokens.Expect(TokenKind.BlockEnd);
        var body = ParseBody(["endfilter"], out _);
        _tokens.Expect(TokenKind.BlockEnd);
        return new FilterBlockNode(filters, body, line);
    }

    private GenerationNode ParseGeneration(int line)
    {
        _tokens.Expect(TokenKind.BlockEnd);
        var body = ParseBody(["endgeneration"], out _);
        _tokens.Expect(TokenKind.BlockEnd);
        return new GenerationNode(body, line);
    }
}
