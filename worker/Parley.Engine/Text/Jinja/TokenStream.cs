// A cursor over the lexer's tokens with the expect/skip verbs both parsers use.
namespace Parley.Engine.Text.Jinja;

internal sealed class TokenStream(List<Token> tokens)
{
    private int _position;

    public Token Current => tokens[_position];

    public Token Peek(int offset = 1) => tokens[Math.Min(_position + offset, tokens.Count - 1)];

    public Token Next()
    {
        var token = tokens[_position];
        _position = Math.Min(_position + 1, tokens.Count - 1);
        return token;
    }

    public bool SkipIf(TokenKind kind, string value)
    {
        if (!Current.Is(kind, value))
        {
            return false;
        }

        Next();
        return true;
    }

    public bool SkipOperator(string op) => SkipIf(TokenKind.Operator, op);

    public bool SkipName(string name) => SkipIf(TokenKind.Name, name);

    public Token Expect(TokenKind kind, string? value = null)
    {
        if (Current.Kind != kind || (value is not null && Current.Value != value))
        {
            var wanted = value is null ? kind.ToString().ToLowerInvariant() : $"'{value}'";
            throw new JinjaException($"Expected {wanted}, got {Current}", Current.Line);
        }

        return Next();
    }

    public string ExpectName() => Expect(TokenKind.Name).Value;
}
