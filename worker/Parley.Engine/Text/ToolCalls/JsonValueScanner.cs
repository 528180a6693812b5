// Reads one JSON value a character at a time and says, for each character, whether it belongs to the value and
// whether the value is complete. It validates as it goes (RFC 8259 grammar: strings with escapes, numbers, literals,
// nesting), so a tool call's arguments can stream out character by character while a syntax error is still caught at
// the first character that breaks it. Nothing is built: the caller keeps the text it needs.
namespace Parley.Engine.Text.ToolCalls;

/// <summary>What one character meant to a <see cref="JsonValueScanner"/>.</summary>
internal enum JsonStep
{
    /// <summary>Whitespace before the value starts; not part of it.</summary>
    Leading,

    /// <summary>Part of the value; more must follow.</summary>
    Inside,

    /// <summary>Part of the value, and its last character.</summary>
    Completed,

    /// <summary>The value (a number) had already ended; the character is not part of it.</summary>
    EndedBefore,

    /// <summary>Not valid here: the text is not JSON.</summary>
    Invalid,
}

/// <summary>An incremental, validating scanner for a single JSON value.</summary>
internal sealed class JsonValueScanner
{
    private readonly List<Frame> _frames = [];
    private Token _token = Token.None;
    private string _literalRest = "";
    private int _hexDigitsLeft;
    private bool _started;
    private bool _completed;

    private enum Expect
    {
        Value,
        ValueOrClose,
        Key,
        KeyOrClose,
        Colon,
        CommaOrClose,
    }

    private enum Token
    {
        None,
        String,
        StringEscape,
        StringHex,
        Literal,
        NumberSign,
        NumberZero,
        NumberInteger,
        NumberDot,
        NumberFraction,
        NumberExponentMark,
        NumberExponentSign,
        NumberExponent,
    }

    /// <summary>True once the value is complete (a number completes only when the text after it, or its end, shows it).</summary>
    public bool IsCompleted => _completed;

    /// <summary>Whether the value would be complete if the text ended here (a number at the top level can be).</summary>
    public bool IsCompleteAtEnd => _completed || (_frames.Count == 0 && _started && IsNumberEnd(_token));

    public JsonStep Feed(char c)
    {
        if (_completed)
        {
            return JsonStep.EndedBefore;
        }

        if (_token != Token.None)
        {
            var step = FeedToken(c);
            if (step != JsonStep.EndedBefore)
            {
                return step;
            }

            // A number ended at this character; inside a container the character still has to be read as structure.
            _token = Token.None;
            if (_frames.Count == 0)
            {
                _completed = true;
                return JsonStep.EndedBefore;
            }

            _frames[^1] = _frames[^1] with { Expect = Expect.CommaOrClose };
        }

        return FeedStructure(c);
    }

    private JsonStep FeedStructure(char c)
    {
        if (IsWhitespace(c))
        {
            return _started ? JsonStep.Inside : JsonStep.Leading;
        }

        if (!_started)
        {
            _started = true;
            return StartValue(c);
        }

        var frame = _frames[^1];
        switch (frame.Expect)
        {
            case Expect.Value:
            case Expect.ValueOrClose when c != ']':
                return StartValue(c);
            case Expect.ValueOrClose:
            case Expect.KeyOrClose when c == '}':
            case Expect.CommaOrClose when c == (frame.IsObject ? '}' : ']'):
                return Close();
            case Expect.Key or Expect.KeyOrClose when c == '"':
                _frames[^1] = frame with { Expect = Expect.Colon };
                _token = Token.String;
                return JsonStep.Inside;
            case Expect.Colon when c == ':':
                _frames[^1] = frame with { Expect = Expect.Value };
                return JsonStep.Inside;
            case Expect.CommaOrClose when c == ',':
                _frames[^1] = frame with { Expect = frame.IsObject ? Expect.Key : Expect.Value };
                return JsonStep.Inside;
            default:
                return JsonStep.Invalid;
        }
    }

    private JsonStep StartValue(char c)
    {
        if (_frames.Count > 0)
        {
            _frames[^1] = _frames[^1] with { Expect = Expect.CommaOrClose };
        }

        switch (c)
        {
            case '{':
                _frames.Add(new Frame(IsObject: true, Expect.KeyOrClose));
                return JsonStep.Inside;
            case '[':
                _frames.Add(new Frame(IsObject: false, Expect.ValueOrClose));
                return JsonStep.Inside;
            case '"':
                _token = Token.String;
                return JsonStep.Inside;
            case 't' or 'f' or 'n':
                _token = Token.Literal;
                _literalRest = c switch { 't' => "rue", 'f' => "alse", _ => "ull" };
                return JsonStep.Inside;
            case '-':
                _token = Token.NumberSign;
                return JsonStep.Inside;
            case >= '0' and <= '9':
                _token = c == '0' ? Token.NumberZero : Token.NumberInteger;
                return JsonStep.Inside;
            default:
                return JsonStep.Invalid;
        }
    }

    private JsonStep Close()
    {
        _frames.RemoveAt(_frames.Count - 1);
        return EndOfValue();
    }

    private JsonStep EndOfValue()
    {
        _token = Token.None;
        if (_frames.Count > 0)
        {
            return JsonStep.Inside;
        }

        _completed = true;
        return JsonStep.Completed;
    }

    private JsonStep FeedToken(char c)
    {
        switch (_token)
        {
            case Token.String:
                if (c == '"')
                {
                    // A key's closing quote leaves the frame expecting its colon (set when the key opened).
                    return _frames.Count > 0 && _frames[^1].Expect == Expect.Colon ? EndOfKey() : EndOfValue();
                }

                _token = c == '\\' ? Token.StringEscape : Token.String;
                return c < ' ' ? JsonStep.Invalid : JsonStep.Inside;
            case Token.StringEscape:
                _token = c == 'u' ? Token.StringHex : Token.String;
                _hexDigitsLeft = 4;
                return "\"\\/bfnrtu".Contains(c, StringComparison.Ordinal) ? JsonStep.Inside : JsonStep.Invalid;
            case Token.StringHex:
                _token = --_hexDigitsLeft == 0 ? Token.String : Token.StringHex;
                return char.IsAsciiHexDigit(c) ? JsonStep.Inside : JsonStep.Invalid;
            case Token.Literal:
                if (c != _literalRest[0])
                {
                    return JsonStep.Invalid;
                }

                _literalRest = _literalRest[1..];
                return _literalRest.Length == 0 ? EndOfValue() : JsonStep.Inside;
            default:
                return FeedNumber(c);
        }
    }

    private JsonStep EndOfKey()
    {
        _token = Token.None;
        return JsonStep.Inside;
    }

    private JsonStep FeedNumber(char c)
    {
        var next = (_token, c) switch
        {
            (Token.NumberSign, '0') => Token.NumberZero,
            (Token.NumberSign or Token.NumberInteger, >= '0' and <= '9') => Token.NumberInteger,
            (Token.NumberZero or Token.NumberInteger, '.') => Token.NumberDot,
            (Token.NumberDot or Token.NumberFraction, >= '0' and <= '9') => Token.NumberFraction,
            (Token.NumberZero or Token.NumberInteger or Token.NumberFraction, 'e' or 'E') => Token.NumberExponentMark,
            (Token.NumberExponentMark, '+' or '-') => Token.NumberExponentSign,
            (Token.NumberExponentMark or Token.NumberExponentSign or Token.NumberExponent, >= '0' and <= '9') => Token.NumberExponent,
            _ => Token.None,
        };
        if (next != Token.None)
        {
            _token = next;
            return JsonStep.Inside;
        }

        return IsNumberEnd(_token) ? JsonStep.EndedBefore : JsonStep.Invalid;
    }

    private static bool IsNumberEnd(Token token) =>
        token is Token.NumberZero or Token.NumberInteger or Token.NumberFraction or Token.NumberExponent;

    internal static bool IsWhitespace(char c) => c is ' ' or '\t' or '\n' or '\r';

    private readonly record struct Frame(bool IsObject, Expect Expect);
}
