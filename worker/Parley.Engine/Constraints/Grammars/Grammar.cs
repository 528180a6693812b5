// The lowered grammar: every alternative of every rule is a run of symbols in one flat array, closed by End. A symbol
// is a byte class (index into Classes), a call of a rule, or End (return to the caller). A matcher position is an index
// into Symbols; a continuation stack is a list of such indices (StackFrame).
namespace Parley.Engine.Constraints.Grammars;

internal sealed class Grammar
{
    public const int End = -1;

    public Grammar(int[] symbols, ByteSet[] classes, int[][] alternativeStarts, int rootRule)
    {
        Symbols = symbols;
        Classes = classes;
        AlternativeStarts = alternativeStarts;
        RootRule = rootRule;
    }

    /// <summary>[positions]: a class index (&gt;= 0), <see cref="End"/>, or a rule call encoded by <see cref="Call"/>.</summary>
    public int[] Symbols { get; }

    public ByteSet[] Classes { get; }

    /// <summary>[rules][alternatives]: the position where each alternative starts.</summary>
    public int[][] AlternativeStarts { get; }

    public int RootRule { get; }

    public static int Call(int rule) => -2 - rule;

    public static bool IsCall(int symbol, out int rule)
    {
        rule = -2 - symbol;
        return symbol <= -2;
    }
}
