// Splits a template into text and tag tokens with Jinja2's whitespace rules as transformers configures them:
// trim_blocks (drop the first newline after a block or comment tag), lstrip_blocks (drop spaces and tabs
// before a block or comment tag on its own line), and '-' markers that strip all whitespace on that side.
using System.Globalization;
using System.Text;

namespace Parley.Engine.Text.Jinja;

internal sealed class Lexer
{
    private static readonly string[] Operators =
        ["**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|"];

    private readonly string _source;
    private readonly List<Token> _tokens = [];
    private int _position;
    private int _line = 1;
    private bool _stripNextText;

    // Jinja2's keep_trailing_newline=False (transformers keeps the default): one final newline is dropped.
    private Lexer(string source)
    {
        _source = source.Replace("\r\n", "\n", StringComparison.Ordinal);
        _source = _source.EndsWith('\n') ? _source[..^1] : _source;
    }

    public static List<Token> Tokenize(string source)
    {
        var lexer = new Lexer(source);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        while (_position < _source.Length)
        {
            var start = NextTagStart(_position);
            var text = _source[_position..(start < 0 ? _source.Length : start)];
            if (start < 0)
            {
                AddText(text, false, false);
                break;
            }

            var kind = _source[start + 1];
            var marker = start + 2 < _source.Length ? _source[start + 2] : '\0';
            AddText(text, marker == '-', kind != '{' && marker != '+' && marker != '-');
            _position = start + 2 + (marker is '-' or '+' ? 1 : 0);
            if (kind == '#')
            {
                LexComment(start);
            }
            else if (kind == '%' && IsRawBlock())
            {
                LexRaw();
            }
            else
            {
                LexTag(kind == '{' ? TokenKind.VariableBegin : TokenKind.BlockBegin, kind == '{' ? '}' : '%');
            }
        }

        _tokens.Add(new Token(TokenKind.End, "", _line));
    }

    private int NextTagStart(int from)
    {
        for (var i = _source.IndexOf('{', from); i >= 0 && i + 1 < _source.Length; i = _source.IndexOf('{', i + 1))
        {
            if (_source[i + 1] is '{' or '%' or '#')
            {
                return i;
            }
        }

        return -1;
    }

    private void AddText(string text, bool stripRight, bool lstripBlock)
    {
        if (_stripNextText)
        {
            var trimmed = text.TrimStart();
            _line += CountLines(text[..(text.Length - trimmed.Length)]);
            text = trimmed;
            _stripNextText = false;
        }

        var lineAtStart = _line;
        _line += CountLines(text);
        if (stripRight)
        {
            text = text.TrimEnd();
        }
        else if (lstripBlock)
        {
            var lineStart = text.LastIndexOf('\n') + 1;
            var tail = text[lineStart..];
            var atLineStart = lineStart > 0 || _position == 0 || _source[_position - 1] == '\n';
            if (tail.All(c => c is ' ' or '\t') && atLineStart)
            {
                text = text[..lineStart];
            }
        }

        if (text.Length > 0)
        {
            _tokens.Add(new Token(TokenKind.Text, text, lineAtStart));
        }
    }

    private void AfterTagEnd(bool stripFollowing, bool trimNewline)
    {
        if (stripFollowing)
        {
            _stripNextText = true;
        }
        else if (trimNewline && _position < _source.Length && _source[_position] == '\n')
        {
            _position++;
            _line++;
        }
    }

    private void LexComment(int start)
    {
        var end = _source.IndexOf("#}", _position, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new JinjaException("Unclosed comment", _line);
        }

        var stripFollowing = _source[end - 1] == '-' && end - 1 >= start + 2;
        var keepNewline = _source[end - 1] == '+';
        _line += CountLines(_source[_position..end]);
        _position = end + 2;
        AfterTagEnd(stripFollowing, !keepNewline);
    }

    private bool IsRawBlock()
    {
        var i = _position;
        while (i < _source.Length && char.IsWhiteSpace(_source[i]))
        {
            i++;
        }

        return string.CompareOrdinal(_source, i, "raw", 0, 3) == 0 && i + 3 < _source.Length && !char.IsLetterOrDigit(_source[i + 3]);
    }

    private void LexRaw()
    {
        var close = _source.IndexOf("%}", _position, StringComparison.Ordinal);
        var body = close + 2;
        var endTag = body;
        int endStart;
        do
        {
            endStart = _source.IndexOf("{%", endTag, StringComparison.Ordinal);
            if (close < 0 || endStart < 0)
            {
                throw new JinjaException("Unclosed 'raw' block", _line);
            }

            endTag = endStart + 2;
        }
        while (!_source[(endStart + 2).._source.IndexOf("%}", endStart, StringComparison.Ordinal)].Trim(' ', '-', '+').Equals("endraw", StringComparison.Ordinal));

        var text = _source[body..endStart];
        if (_source[close - 1] == '-')
        {
            text = text.TrimStart();
        }

        if (_source[endStart + 2] == '-')
        {
            text = text.TrimEnd();
        }

        _tokens.Add(new Token(TokenKind.Text, text, _line));
        var endClose = _source.IndexOf("%}", endStart, StringComparison.Ordinal);
        _line += CountLines(_source[_position..(endClose + 2)]);
        var stripFollowing = _source[endClose - 1] == '-';
        _position = endClose + 2;
        AfterTagEnd(stripFollowing, _source[endClose - 1] != '+');
    }

    private void LexTag(TokenKind begin, char closeChar)
    {
        _tokens.Add(new Token(begin, begin == TokenKind.VariableBegin ? "{{" : "{%", _line));
        var depth = 0;
        while (true)
        {
            SkipWhitespace();
            if (_position >= _source.Length)
            {
                throw new JinjaException($"Unclosed tag: expected '{closeChar}}}'", _line);
            }

            if (depth == 0 && TryCloseTag(begin, closeChar))
            {
                return;
            }

            var c = _source[_position];
            if (c is '\'' or '"')
            {
                _tokens.Add(new Token(TokenKind.String, ReadString(c), _line));
            }
            else if (char.IsAsciiDigit(c))
            {
                ReadNumber();
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = _position;
                while (_position < _source.Length && (char.IsAsciiLetterOrDigit(_source[_position]) || _source[_position] == '_'))
                {
                    _position++;
                }

                _tokens.Add(new Token(TokenKind.Name, _source[start.._position], _line));
            }
            else
            {
                var op = Operators.FirstOrDefault(o => string.CompareOrdinal(_source, _position, o, 0, o.Length) == 0)
                    ?? throw new JinjaException($"Unexpected character '{c}'", _line);
                depth += op is "(" or "[" or "{" ? 1 : op is ")" or "]" or "}" ? -1 : 0;
                _position += op.Length;
                _tokens.Add(new Token(TokenKind.Operator, op, _line));
            }
        }
    }

    private bool TryCloseTag(TokenKind begin, char closeChar)
    {
        var marker = _source[_position] is '-' or '+' ? _source[_position] : '\0';
        var at = _position + (marker == '\0' ? 0 : 1);
        if (at + 1 >= _source.Length || _source[at] != closeChar || _source[at + 1] != '}')
        {
            return false;
        }

        _position = at + 2;
        var isBlock = begin == TokenKind.BlockBegin;
        _tokens.Add(new Token(isBlock ? TokenKind.BlockEnd : TokenKind.VariableEnd, isBlock ? "%}" : "}}", _line));
        AfterTagEnd(marker == '-', isBlock && marker != '+');
        return true;
    }

    private void SkipWhitespace()
    {
        while (_position < _source.Length && char.IsWhiteSpace(_source[_position]))
        {
            _line += _source[_position] == '\n' ? 1 : 0;
            _position++;
        }
    }

    private void ReadNumber()
    {
        var start = _position;
        while (_position < _source.Length && (char.IsAsciiDigit(_source[_position]) || _source[_position] == '_'))
        {
            _position++;
        }

        var isFloat = false;
        if (_position + 1 < _source.Length && _source[_position] == '.' && char.IsAsciiDigit(_source[_position + 1]))
        {
            isFloat = true;
            _position++;
            while (_position < _source.Length && char.IsAsciiDigit(_source[_position]))
            {
                _position++;
            }
        }

        if (_position < _source.Length && _source[_position] is 'e' or 'E')
        {
            isFloat = true;
            _position++;
            if (_source[_position] is '+' or '-')
            {
                _position++;
            }

            while (_position < _source.Length && char.IsAsciiDigit(_source[_position]))
            {
                _position++;
            }
        }

        var text = _source[start.._position].Replace("_", "", StringComparison.Ordinal);
        _tokens.Add(new Token(isFloat ? TokenKind.Float : TokenKind.Integer, text, _line));
    }

    private string ReadString(char quote)
    {
        var line = _line;
        var builder = new StringBuilder();
        _position++;
        while (_position < _source.Length && _source[_position] != quote)
        {
            var c = _source[_position++];
            _line += c == '\n' ? 1 : 0;
            if (c != '\\' || _position >= _source.Length)
            {
                builder.Append(c);
                continue;
            }

            var e = _source[_position++];
            switch (e)
            {
                case 'n': builder.Append('\n'); break;
                case 't': builder.Append('\t'); break;
                case 'r': builder.Append('\r'); break;
                case '0': builder.Append('\0'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case '\\' or '\'' or '"': builder.Append(e); break;
                case '\n': break;
                case 'x': builder.Append(ReadHex(2)); break;
                case 'u': builder.Append(ReadHex(4)); break;
                case 'U': builder.Append(char.ConvertFromUtf32(int.Parse(ReadHexText(8), NumberStyles.HexNumber, CultureInfo.InvariantCulture))); break;
                default: builder.Append('\\').Append(e); break;
            }
        }

        if (_position >= _source.Length)
        {
            throw new JinjaException("Unterminated string literal", line);
        }

        _position++;
        return builder.ToString();
    }

    private char ReadHex(int length) => (char)int.Parse(ReadHexText(length), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private string ReadHexText(int length)
    {
        var text = _source.Substring(_position, Math.Min(length, _source.Length - _position));
        _position += text.Length;
        return text;
    }

    private static int CountLines(string text) => text.Count(c => c == '\n');
}
