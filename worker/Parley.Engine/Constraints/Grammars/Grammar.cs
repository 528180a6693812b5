// The lowered grammar: every alternative of every rule is a run of symbols in one flat array, closed by End. A symbol
// is a byte class (index into Classes), a call of a rule, or End (return to the caller). A matcher position is an index
// into Symbols; a continuation stack is a list of such indices (StackFrame).
namespace Parley.Engine.Constraints.Grammars;

internal sealed class Grammar
{
    public const int End = -1;

    public Grammar(int[] symbols, ByteSet[] classes, int[][] alternativeStarts, int rootRule, int blockedPosition, int universePosition)
    {
        Symbols = symbols;
        Classes = classes;
        AlternativeStarts = alternativeStarts;
        RootRule = rootRule;
        BlockedPosition = blockedPosition;
        UniversePosition = universePosition;
    }

    /// <summary>[positions]: a class index (&gt;= 0), <see cref="End"/>, or a rule call encoded by <see cref="Call"/>.</summary>
    public int[] Symbols { get; }

    public ByteSet[] Classes { get; }

    /// <summary>[rules][alternatives]: the position where each alternative starts.</summary>
    public int[][] AlternativeStarts { get; }

    public int RootRule { get; }

    /// <summary>A position that takes no byte: the bottom of a stack cut short, for a mask that must not guess.</summary>
    public int BlockedPosition { get; }

    /// <summary>A position that takes every byte string: the bottom of a stack cut short, for a mask that may guess.</summary>
    public int UniversePosition { get; }

    public static int Call(int rule) => -2 - rule;

    public static bool IsCall(int symbol, out int rule)
    {
        rule = -2 - symbol;
        return symbol <= -2;
    }
}
