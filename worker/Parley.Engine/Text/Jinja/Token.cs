// Lexer output: one token with the template line it starts on.
namespace Parley.Engine.Text.Jinja;

internal enum TokenKind
{
    Text,
    VariableBegin,
    VariableEnd,
    BlockBegin,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    End,
}

internal sealed record Token(TokenKind Kind, string Value, int Line)
{
    public bool Is(TokenKind kind, string value) => Kind == kind && Value == value;

    public bool IsName(string value) => Is(TokenKind.Name, value);

    public bool IsOperator(string value) => Is(TokenKind.Operator, value);

    public override string ToString() => Kind switch
    {
        TokenKind.End => "end of template",
        TokenKind.BlockEnd => "'%}'",
        TokenKind.VariableEnd => "'}}'",
        _ => $"'{Value}'",
    };
}
