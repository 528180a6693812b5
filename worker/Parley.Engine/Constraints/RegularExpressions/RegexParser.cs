// A regular expression (the common subset of ECMA-262 and .NET syntax) parsed straight into a GrammarNode: literals,
// escapes (\d \w \s \D \W \S, \n, \xHH, \uHHHH, escaped punctuation), classes and negated classes, groups, alternation
// and the quantifiers * + ? {m} {m,} {m,n} (lazy forms match the same strings). The whole text must match: a leading ^
// and a trailing $ are accepted and change nothing. Anything that needs more than a grammar (backreferences,
// lookaround, word boundaries, flags) is refused with the construct and its position.
//
// Classes that name characters by exclusion ('.', [^...], \D \W \S) stay in the Basic Multilingual Plane: outside it a
// character is two UTF-16 units, which ECMA-262 and .NET count as two, so "{2}" would mean different texts to a
// validator than to us. Characters outside the plane can still be named (literals, explicit ranges).
using System.Globalization;
using Parley.Engine.Constraints.Grammars;

namespace Parley.Engine.Constraints.RegularExpressions;

internal sealed class RegexParser
{
    private static readonly CodePointSet Digits = CodePointSet.Of(('0', '9'));
    private static readonly CodePointSet WordChars = CodePointSet.Of(('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z'));
    private static readonly CodePointSet Spaces = CodePointSet.Of(('\t', '\r'), (' ', ' '));

    // '.' excludes every line terminator of ECMA-262 and .NET, so what it produces matches under both.
    private static readonly CodePointSet AnyButNewline = Excluding(CodePointSet.Of(('\n', '\n'), ('\r', '\r'), (0x2028, 0x2029)));

    private static readonly System.Buffers.SearchValues<char> CountCharacters = System.Buffers.SearchValues.Create("0123456789,");

    private readonly string _pattern;
    private readonly Func<CodePointSet, GrammarNode> _characters;
    private int _position;
    private int _groupDepth;

    // The parser recurses per group: a request nesting thousands of them would overflow the stack and end the process.
    private const int MaxGroupDepth = 100;

    private RegexParser(string pattern, Func<CodePointSet, GrammarNode> characters)
    {
        _pattern = pattern;
        _characters = characters;
    }

    /// <summary>The grammar of the strings the pattern matches in full.</summary>
    /// <param name="pattern">The regular expression.</param>
    /// <param name="characters">How a set of characters becomes bytes: plain UTF-8, or JSON-escaped inside a string.</param>
    /// <exception cref="ConstraintException">The pattern is malformed or uses an unsupported construct.</exception>
    public static GrammarNode Parse(string pattern, Func<CodePointSet, GrammarNode>? characters = null)
    {
        var parser = new RegexParser(pattern, characters ?? Utf8Sequences.Of);
        var node = parser.ParseAlternation();
        if (parser._position < pattern.Length)
        {
            throw parser.Error($"unbalanced ')'");
        }

        return node;
    }

    private GrammarNode ParseAlternation()
    {
        var options = new List<GrammarNode> { ParseConcatenation() };
        while (Peek() == '|')
        {
            _position++;
            options.Add(ParseConcatenation());
        }

        return GrammarNode.Choice([.. options]);
    }

    private GrammarNode ParseConcatenation()
    {
        var items = new List<GrammarNode>();
        while (_position < _pattern.Length && Peek() is not ('|' or ')'))
        {
            if (Peek() == '^' && items.Count == 0 && _groupDepth == 0)
            {
                _position++;
                continue;
            }

            if (Peek() == '$' && _groupDepth == 0 && (_position + 1 == _pattern.Length || _pattern[_position + 1] == '|'))
            {
                _position++;
                continue;
            }

            items.Add(ParseQuantifiers(ParseAtom()));
        }

        return GrammarNode.Sequence([.. items]);
    }

    private GrammarNode ParseQuantifiers(GrammarNode atom)
    {
        while (_position < _pattern.Length)
        {
            var isCounted = Peek() == '{';
            var (min, max) = Peek() switch
            {
                '*' => (0, (int?)null),
                '+' => (1, null),
                '?' => (0, 1),
                '{' when IsCountedQuantifier() => ParseCount(),
                _ => (-1, null),
            };
            if (min < 0)
            {
                break;
            }

            if (!isCounted)
            {
                _position++;
            }

            if (Peek() == '?')
            {
                _position++; // lazy: the same strings
            }
            else if (Peek() == '+')
            {
                throw Error("possessive quantifiers are not supported");
            }

            atom = new RepeatNode(atom, min, max);
        }

        return atom;
    }

    private bool IsCountedQuantifier()
    {
        var close = _pattern.IndexOf('}', _position);
        return close > _position + 1 && !_pattern.AsSpan(_position + 1, close - _position - 1).ContainsAnyExcept(CountCharacters);
    }

    private (int Min, int? Max) ParseCount()
    {
        var close = _pattern.IndexOf('}', _position);
        var body = _pattern[(_position + 1)..close];
        _position = close + 1;
        var comma = body.IndexOf(',');
        var min = int.Parse(comma < 0 ? body : body[..comma], CultureInfo.InvariantCulture);
        int? max = comma < 0 ? min : comma == body.Length - 1 ? null : int.Parse(body[(comma + 1)..], CultureInfo.InvariantCulture);
        if (max < min)
        {
            throw Error($"quantifier {{{body}}} has its maximum below its minimum");
        }

        return (min, max);
    }

    private GrammarNode ParseAtom()
    {
        var c = _pattern[_position];
        switch (c)
        {
            case '(':
                return ParseGroup();
            case '[':
                return _characters(ParseClass());
            case '.':
                _position++;
                return _characters(AnyButNewline);
            case '\\':
                return ParseEscapeAtom();
            case '*' or '+' or '?':
                throw Error($"quantifier '{c}' has nothing to repeat");
            case '^' or '$':
                throw Error($"anchor '{c}' is only supported at the start or end of the pattern");
            default:
                return _characters(CodePointSet.Char(ReadLiteral()));
        }
    }

    private GrammarNode ParseGroup()
    {
        _position++;
        if (Peek() == '?')
        {
            var rest = _pattern.AsSpan(_position);
            if (rest.StartsWith("?:"))
            {
                _position += 2;
            }
            else if (rest.StartsWith("?<") && !rest.StartsWith("?<=") && !rest.StartsWith("?<!") || rest.StartsWith("?P<"))
            {
                _position = _pattern.IndexOf('>', _position) + 1; // named group: the name does not change the strings
            }
            else
            {
                var construct = rest.StartsWith("?=") || rest.StartsWith("?!") || rest.StartsWith("?<") ? "lookaround" : "inline flags";
                throw Error($"{construct} '(?{(rest.Length > 1 ? rest[1] : ' ')}' is not supported");
            }
        }

        if (++_groupDepth > MaxGroupDepth)
        {
            throw Error($"groups nest deeper than {MaxGroupDepth}");
        }

        var body = ParseAlternation();
        _groupDepth--;
        if (Peek() != ')')
        {
            throw Error("missing ')'");
        }

        _position++;
        return body;
    }

    private GrammarNode ParseEscapeAtom()
    {
        var set = ParseEscape(insideClass: false);
        return _characters(set);
    }

    private CodePointSet ParseClass()
    {
        var start = _position;
        _position++;
        var negated = Peek() == '^';
        if (negated)
        {
            _position++;
        }

        var set = new CodePointSet();
        var first = true;
        while (first || Peek() != ']')
        {
            if (_position >= _pattern.Length)
            {
                _position = start;
                throw Error("missing ']'");
            }

            first = false;
            if (_pattern.AsSpan(_position).StartsWith("[:"))
            {
                throw Error("POSIX classes ([:name:]) are not supported");
            }

            var low = ParseClassMember();
            if (Peek() == '-' && _position + 1 < _pattern.Length && _pattern[_position + 1] != ']' && low.Ranges is [var single] && single.First == single.Last)
            {
                _position++;
                var high = ParseClassMember();
                if (high.Ranges is not [var upper] || upper.First != upper.Last || upper.First < single.First)
                {
                    throw Error("bad range in character class");
                }

                set.Add(single.First, upper.First);
            }
            else
            {
                set.Add(low);
            }
        }

        _position++;
        return negated ? Excluding(set) : set;
    }

    private CodePointSet ParseClassMember() => Peek() == '\\' ? ParseEscape(insideClass: true) : CodePointSet.Char(ReadLiteral());

    private CodePointSet ParseEscape(bool insideClass)
    {
        _position++;
        if (_position >= _pattern.Length)
        {
            throw Error("pattern ends with '\\'");
        }

        var c = _pattern[_position++];
        return c switch
        {
            'd' => Digits,
            'D' => Excluding(Digits),
            'w' => WordChars,
            'W' => Excluding(WordChars),
            's' => Spaces,
            'S' => Excluding(Spaces),
            'n' => CodePointSet.Char('\n'),
            't' => CodePointSet.Char('\t'),
            'r' => CodePointSet.Char('\r'),
            'f' => CodePointSet.Char('\f'),
            'v' => CodePointSet.Char('\v'),
            '0' => CodePointSet.Char('\0'),
            'b' when insideClass => CodePointSet.Char('\b'),
            'x' => CodePointSet.Char(ReadHex(2)),
            'u' => CodePointSet.Char(ReadHex(4)),
            >= '1' and <= '9' or 'k' => throw Error($"backreference '\\{c}' is not supported"),
            'b' or 'B' or 'A' or 'z' or 'Z' or 'G' => throw Error($"assertion '\\{c}' is not supported"),
            'p' or 'P' => throw Error($"Unicode category '\\{c}' is not supported"),
            _ when char.IsAsciiLetterOrDigit(c) => throw Error($"escape '\\{c}' is not supported"),
            _ => CodePointSet.Char(c),
        };
    }

    private int ReadHex(int digits)
    {
        if (_position + digits > _pattern.Length
            || !int.TryParse(_pattern.AsSpan(_position, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            throw Error($"expected {digits} hex digits");
        }

        _position += digits;
        return value;
    }

    private int ReadLiteral()
    {
        if (char.IsHighSurrogate(_pattern[_position]) && _position + 1 < _pattern.Length && char.IsLowSurrogate(_pattern[_position + 1]))
        {
            _position += 2;
            return char.ConvertToUtf32(_pattern[_position - 2], _pattern[_position - 1]);
        }

        return _pattern[_position++];
    }

    private static CodePointSet Excluding(CodePointSet set) => CodePointSet.Of((0, 0xFFFF)).Except(set);

    private char Peek() => _position < _pattern.Length ? _pattern[_position] : '\0';

    private ConstraintException Error(string problem) =>
        new($"Regular expression not supported: {problem} at position {_position} of '{_pattern}'.");
}
