// The grammar as the compilers write it: byte classes, sequences, alternatives, repetition and references to named
// rules (which is how JSON's nesting and a schema's recursive $ref are expressed). GrammarBuilder lowers it to the flat
// program the matcher runs.
using System.Text;

namespace Parley.Engine.Constraints.Grammars;

internal abstract record GrammarNode
{
    /// <summary>Matches the empty string.</summary>
    public static GrammarNode Empty { get; } = new SequenceNode([]);

    public static GrammarNode Literal(string text) => Bytes(Encoding.UTF8.GetBytes(text));

    public static GrammarNode Bytes(ReadOnlySpan<byte> bytes)
    {
        var items = new GrammarNode[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            items[i] = new ByteClassNode(ByteSet.Of(bytes[i]));
        }

        return items.Length == 1 ? items[0] : new SequenceNode(items);
    }

    public static GrammarNode Sequence(params GrammarNode[] items) => items.Length == 1 ? items[0] : new SequenceNode(items);

    public static GrammarNode Choice(params GrammarNode[] options) => options.Length == 1 ? options[0] : new ChoiceNode(options);

    public static GrammarNode Optional(GrammarNode item) => new RepeatNode(item, 0, 1);

    public static GrammarNode Class(ByteSet set) => new ByteClassNode(set);
}

/// <summary>One byte from the set.</summary>
internal sealed record ByteClassNode(ByteSet Set) : GrammarNode;

internal sealed record SequenceNode(IReadOnlyList<GrammarNode> Items) : GrammarNode;

internal sealed record ChoiceNode(IReadOnlyList<GrammarNode> Options) : GrammarNode;

/// <summary>Between <paramref name="Min"/> and <paramref name="Max"/> (null: unbounded) copies of the item.</summary>
internal sealed record RepeatNode(GrammarNode Item, int Min, int? Max) : GrammarNode;

/// <summary>A named rule, declared by GrammarBuilder and defined once (possibly after use, for recursion).</summary>
internal sealed record RuleNode(int RuleId) : GrammarNode;
