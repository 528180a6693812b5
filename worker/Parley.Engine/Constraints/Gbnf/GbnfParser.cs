// GBNF, llama.cpp's grammar format: rules "name ::= body" where a body has alternatives (|), sequences, "literals",
// [character classes] (negated with ^), '.', groups, rule names and the postfix * + ? {m} {m,} {m,n}; '#' starts a
// comment. Newlines are plain whitespace here (a rule ends where the next "name ::=" begins), so every grammar
// llama.cpp reads is read the same way. The grammar starts at "root". Left recursion is refused: the matcher expands
// rules eagerly and a rule that calls itself before any byte would never stop growing.
using System.Globalization;
using System.Text;
using Parley.Engine.Constraints.Grammars;
using Parley.Engine.Constraints.RegularExpressions;

namespace Parley.Engine.Constraints.Gbnf;

internal sealed class GbnfParser
{
    private readonly string _text;
    private readonly GrammarBuilder _builder;
    private readonly Dictionary<string, RuleNode> _rules = [];
    private readonly Dictionary<int, (string Name, GrammarNode Body)> _bodies = [];
    private int _position;
    private int _groupDepth;

    // The parser recurses per group: a grammar nesting thousands of them would overflow the stack and end the process.
    private const int MaxGroupDepth = 100;

    private GbnfParser(string text, GrammarBuilder builder)
    {
        _text = text;
        _builder = builder;
    }

    /// <summary>The grammar's root rule, with every rule defined in <paramref name="builder"/>.</summary>
    /// <exception cref="ConstraintException">A syntax error, an undefined or twice-defined rule, no root, or left recursion.</exception>
    public static GrammarNode Parse(string text, GrammarBuilder builder)
    {
        var parser = new GbnfParser(text, builder);
        parser.ParseRules();
        return parser.Finish();
    }

    private void ParseRules()
    {
        SkipSpace();
        while (_position < _text.Length)
        {
            var name = ReadName();
            SkipSpace();
            Expect("::=");
            var body = ParseAlternatives();
            var rule = RuleNamed(name);
            if (!_bodies.TryAdd(rule.RuleId, (name, body)))
            {
                throw Error($"rule '{name}' is defined twice");
            }
        }
    }

    private RuleNode Finish()
    {
        if (!_rules.TryGetValue("root", out var root))
        {
            throw new ConstraintException("Grammar has no 'root' rule; GBNF grammars start at 'root ::= ...'.");
        }

        var undefined = _rules.FirstOrDefault(pair => !_bodies.ContainsKey(pair.Value.RuleId)).Key;
        if (undefined is not null)
        {
            throw new ConstraintException($"Grammar uses rule '{undefined}' but never defines it.");
        }

        var leftRecursive = LeftRecursion.Find(_bodies.ToDictionary(pair => pair.Key, pair => pair.Value.Body));
        if (leftRecursive is { } recursiveId)
        {
            throw new ConstraintException($"Grammar rule '{_bodies[recursiveId].Name}' is left-recursive, which is not supported; write the repetition with * or + instead.");
        }

        foreach (var (ruleId, (_, body)) in _bodies)
        {
            _builder.Define(new RuleNode(ruleId), body);
        }

        return root;
    }

    private GrammarNode ParseAlternatives()
    {
        var options = new List<GrammarNode> { ParseSequence() };
        while (Peek() == '|')
        {
            _position++;
            SkipSpace();
            options.Add(ParseSequence());
        }

        return GrammarNode.Choice([.. options]);
    }

    private GrammarNode ParseSequence()
    {
        var items = new List<GrammarNode>();
        while (_position < _text.Length && Peek() is not ('|' or ')') && !AtRuleStart())
        {
            items.Add(ParsePostfix(ParseAtom()));
            SkipSpace();
        }

        return GrammarNode.Sequence([.. items]);
    }

    private GrammarNode ParsePostfix(GrammarNode atom)
    {
        while (true)
        {
            switch (Peek())
            {
                case '*': _position++; atom = new RepeatNode(atom, 0, null); break;
                case '+': _position++; atom = new RepeatNode(atom, 1, null); break;
                case '?': _position++; atom = GrammarNode.Optional(atom); break;
                case '{': atom = ParseCount(atom); break;
                default: return atom;
            }
        }
    }

    private RepeatNode ParseCount(GrammarNode atom)
    {
        var close = _text.IndexOf('}', _position);
        var body = close < 0 ? "" : _text[(_position + 1)..close].Replace(" ", "", StringComparison.Ordinal);
        var parts = body.Split(',');
        if (parts.Length is < 1 or > 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var min))
        {
            throw Error("malformed {m,n} repetition");
        }

        int? max = parts.Length == 1 ? min : parts[1].Length == 0 ? null
            : int.TryParse(parts[1], CultureInfo.InvariantCulture, out var upper) && upper >= min ? upper : throw Error("malformed {m,n} repetition");
        _position = close + 1;
        return new RepeatNode(atom, min, max);
    }

    private GrammarNode ParseAtom()
    {
        var c = Peek();
        if (c == '"')
        {
            return ParseLiteral();
        }

        if (c == '[')
        {
            return Utf8Sequences.Of(ParseClass());
        }

        if (c == '.')
        {
            _position++;
            return Utf8Sequences.Of(CodePointSet.All());
        }

        if (c == '(')
        {
            _position++;
            if (++_groupDepth > MaxGroupDepth)
            {
                throw Error($"groups nest deeper than {MaxGroupDepth}");
            }

            SkipSpace();
            var group = ParseAlternatives();
            Expect(")");
            _groupDepth--;
            return group;
        }

        if (IsNameChar(c))
        {
            return RuleNamed(ReadName());
        }

        throw Error($"unexpected '{c}'");
    }

    private GrammarNode ParseLiteral()
    {
        _position++;
        var text = new StringBuilder();
        while (Peek() != '"')
        {
            if (_position >= _text.Length)
            {
                throw Error("unterminated string literal");
            }

            text.Append(char.ConvertFromUtf32(ReadChar()));
        }

        _position++;
        return GrammarNode.Literal(text.ToString());
    }

    private CodePointSet ParseClass()
    {
        _position++;
        var negated = Peek() == '^';
        _position += negated ? 1 : 0;
        var set = new CodePointSet();
        while (Peek() != ']')
        {
            if (_position >= _text.Length)
            {
                throw Error("unterminated character class");
            }

            var first = ReadChar();
            var last = first;
            if (Peek() == '-' && _position + 1 < _text.Length && _text[_position + 1] != ']')
            {
                _position++;
                last = ReadChar();
            }

            set.Add(first, last);
        }

        _position++;
        return negated ? set.Complement() : set;
    }

    private int ReadChar()
    {
        if (_text[_position] != '\\')
        {
            var isPair = char.IsHighSurrogate(_text[_position]) && _position + 1 < _text.Length;
            _position += isPair ? 2 : 1;
            return isPair ? char.ConvertToUtf32(_text[_position - 2], _text[_position - 1]) : _text[_position - 1];
        }

        _position += 2;
        return _text[_position - 1] switch
        {
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'x' => ReadHex(2),
            'u' => ReadHex(4),
            'U' => ReadHex(8),
            var escaped and ('\\' or '"' or '[' or ']' or '-' or '^') => escaped,
            var other => throw Error($"unknown escape '\\{other}'"),
        };
    }

    private int ReadHex(int digits)
    {
        if (_position + digits > _text.Length
            || !int.TryParse(_text.AsSpan(_position, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            || value > CodePointSet.MaxCodePoint)
        {
            throw Error($"expected {digits} hex digits");
        }

        _position += digits;
        return value;
    }

    private RuleNode RuleNamed(string name)
    {
        if (!_rules.TryGetValue(name, out var rule))
        {
            rule = _builder.Declare();
            _rules.Add(name, rule);
        }

        return rule;
    }

    private string ReadName()
    {
        var start = _position;
        while (_position < _text.Length && IsNameChar(_text[_position]))
        {
            _position++;
        }

        return _position > start ? _text[start.._position] : throw Error("expected a rule name");
    }

    private bool AtRuleStart()
    {
        var scan = _position;
        while (scan < _text.Length && IsNameChar(_text[scan]))
        {
            scan++;
        }

        if (scan == _position)
        {
            return false;
        }

        while (scan < _text.Length && char.IsWhiteSpace(_text[scan]))
        {
            scan++;
        }

        return _text.AsSpan(scan).StartsWith("::=");
    }

    private void Expect(string token)
    {
        if (!_text.AsSpan(_position).StartsWith(token))
        {
            throw Error($"expected '{token}'");
        }

        _position += token.Length;
        SkipSpace();
    }

    private void SkipSpace()
    {
        while (_position < _text.Length)
        {
            if (char.IsWhiteSpace(_text[_position]))
            {
                _position++;
            }
            else if (_text[_position] == '#')
            {
                var end = _text.IndexOf('\n', _position);
                _position = end < 0 ? _text.Length : end + 1;
            }
            else
            {
                break;
            }
        }
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    private ConstraintException Error(string problem)
    {
        var line = _text.AsSpan(0, Math.Min(_position, _text.Length)).Count('\n') + 1;
        return new ConstraintException($"Grammar not supported: {problem} at line {line}, offset {_position}.");
    }
}
