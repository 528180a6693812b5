// JSON's own grammar (RFC 8259) as shared rules of one GrammarBuilder: bounded whitespace, strings with escapes and
// only valid UTF-8, numbers, and any value (recursive through objects and arrays). Schema compilers build on these.
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Engine.Constraints.Grammars;
using Parley.Engine.Constraints.RegularExpressions;

namespace Parley.Engine.Constraints.JsonSchemas;

internal sealed class JsonGrammar
{
    // Whitespace between tokens: one space, or a newline and up to 16 spaces of indent (8 levels of 2-space pretty
    // printing). Bounded so a model cannot pad a document forever.
    private const int MaxIndent = 16;

    private static readonly JsonSerializerOptions LiteralOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Characters a JSON string must escape: the quote, the backslash and the C0 controls.
    private static readonly CodePointSet MustEscape = CodePointSet.Of((0, 0x1F), ('"', '"'), ('\\', '\\'));

    public JsonGrammar(GrammarBuilder builder)
    {
        Whitespace = builder.Rule(GrammarNode.Optional(GrammarNode.Choice(
            GrammarNode.Literal(" "),
            GrammarNode.Sequence(GrammarNode.Literal("\n"), new RepeatNode(GrammarNode.Literal(" "), 0, MaxIndent)))));
        StringCharacter = builder.Rule(AnyStringCharacter());
        String = builder.Rule(Quoted(new RepeatNode(StringCharacter, 0, null)));
        Number = builder.Rule(NumberNode(allowNegative: true));
        Value = builder.Declare();
        Object = builder.Rule(ObjectOf(Sequence(String, Whitespace, GrammarNode.Literal(":"), Whitespace, Value)));
        Array = builder.Rule(ArrayOf(Value));
        builder.Define(Value, GrammarNode.Choice(Object, Array, String, Number, GrammarNode.Literal("true"), GrammarNode.Literal("false"), GrammarNode.Literal("null")));
    }

    public RuleNode Whitespace { get; }

    /// <summary>One character (one code point) inside a JSON string: plain, escaped, or multi-byte UTF-8.</summary>
    public RuleNode StringCharacter { get; }

    public RuleNode String { get; }

    public RuleNode Number { get; }

    /// <summary>Any JSON value.</summary>
    public RuleNode Value { get; }

    /// <summary>Any JSON object.</summary>
    public RuleNode Object { get; }

    public RuleNode Array { get; }

    public static GrammarNode Quoted(GrammarNode content) => GrammarNode.Sequence(GrammarNode.Literal("\""), content, GrammarNode.Literal("\""));

    /// <summary>The exact JSON text of a value, with non-ASCII characters as UTF-8 (as a model would write them).</summary>
    public static GrammarNode Literal(JsonNode? value) => GrammarNode.Literal(value?.ToJsonString(LiteralOptions) ?? "null");

    /// <summary>Characters from the set as they appear inside a JSON string: escaped where JSON requires it.</summary>
    public static GrammarNode StringCharacters(CodePointSet set)
    {
        var options = new List<GrammarNode>();
        var plain = set.Except(MustEscape);
        if (!plain.IsEmpty)
        {
            options.Add(Utf8Sequences.Of(plain));
        }

        foreach (var (first, last) in set.Intersect(MustEscape).Ranges)
        {
            for (var c = first; c <= last; c++)
            {
                options.Add(GrammarNode.Literal(Escape((char)c)));
            }
        }

        return GrammarNode.Choice([.. options]);
    }

    /// <summary>Any one character of a JSON string, in any of JSON's spellings.</summary>
    public static GrammarNode AnyStringCharacter() => GrammarNode.Choice(
        Utf8Sequences.Of(CodePointSet.All().Except(MustEscape)),
        GrammarNode.Sequence(GrammarNode.Literal("\\"), GrammarNode.Class(ByteSet.OfChars("\"\\/bfnrt"))),
        UnicodeEscape());

    /// <summary>"{" members "}" where <paramref name="member"/> is one "key": value pair, any count of them.</summary>
    public GrammarNode ObjectOf(GrammarNode member)
    {
        var rest = new RepeatNode(Sequence(Whitespace, GrammarNode.Literal(","), Whitespace, member), 0, null);
        return Sequence(GrammarNode.Literal("{"), Whitespace, GrammarNode.Optional(Sequence(member, rest, Whitespace)), GrammarNode.Literal("}"));
    }

    public GrammarNode ArrayOf(GrammarNode item)
    {
        var rest = new RepeatNode(Sequence(Whitespace, GrammarNode.Literal(","), Whitespace, item), 0, null);
        return Sequence(GrammarNode.Literal("["), Whitespace, GrammarNode.Optional(Sequence(item, rest, Whitespace)), GrammarNode.Literal("]"));
    }

    /// <summary>The separator between array items or object members.</summary>
    public GrammarNode Comma => Sequence(Whitespace, GrammarNode.Literal(","), Whitespace);

    public static GrammarNode NumberNode(bool allowNegative)
    {
        var digit = GrammarNode.Class(ByteSet.Range('0', '9'));
        var digits = new RepeatNode(digit, 1, null);
        var integer = GrammarNode.Choice(GrammarNode.Literal("0"), GrammarNode.Sequence(GrammarNode.Class(ByteSet.Range('1', '9')), new RepeatNode(digit, 0, null)));
        var fraction = GrammarNode.Sequence(GrammarNode.Literal("."), digits);
        var exponent = GrammarNode.Sequence(GrammarNode.Class(ByteSet.OfChars("eE")), GrammarNode.Optional(GrammarNode.Class(ByteSet.OfChars("+-"))), digits);
        var unsigned = GrammarNode.Sequence(integer, GrammarNode.Optional(fraction), GrammarNode.Optional(exponent));
        return allowNegative ? GrammarNode.Sequence(GrammarNode.Optional(GrammarNode.Literal("-")), unsigned) : unsigned;
    }

    private static GrammarNode Sequence(params GrammarNode[] items) => GrammarNode.Sequence(items);

    private static string Escape(char c) => c switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\n' => "\\n",
        '\t' => "\\t",
        '\r' => "\\r",
        '\b' => "\\b",
        '\f' => "\\f",
        _ => $"\\u{(int)c:x4}",
    };

    // \uXXXX outside the surrogate range (a lone surrogate is not text; pairs are left to raw UTF-8).
    private static GrammarNode UnicodeEscape()
    {
        var hex = GrammarNode.Class(ByteSet.OfChars("0123456789abcdefABCDEF"));
        var notSurrogate = GrammarNode.Choice(
            GrammarNode.Sequence(GrammarNode.Class(ByteSet.OfChars("0123456789abcABC")), hex, hex, hex),
            GrammarNode.Sequence(GrammarNode.Class(ByteSet.OfChars("dD")), GrammarNode.Class(ByteSet.Range('0', '7')), hex, hex),
            GrammarNode.Sequence(GrammarNode.Class(ByteSet.OfChars("eEfF")), hex, hex, hex));
        return GrammarNode.Sequence(GrammarNode.Literal("\\u"), notSurrogate);
    }
}
