// The decimal spellings (no leading zeros, no "-0") of every integer in [min, max], either end open, as a grammar.
// Each length is a range of equal-length strings, split on the first differing digit: 123..456 is
// 1(2[3-9]|[3-9][0-9])[0-9]? ... the classic digit-range construction, linear in the number of digits.
using System.Numerics;
using Parley.Engine.Constraints.Grammars;

namespace Parley.Engine.Constraints.JsonSchemas;

internal static class IntegerRange
{
    private static readonly GrammarNode Digit = GrammarNode.Class(ByteSet.Range('0', '9'));

    /// <summary>Null when the range is empty.</summary>
    public static GrammarNode? Of(BigInteger? min, BigInteger? max)
    {
        if (min > max)
        {
            return null;
        }

        var options = new List<GrammarNode>();
        if (max is null || max >= 0)
        {
            options.Add(NonNegative(BigInteger.Max(min ?? 0, 0), max));
        }

        if (min is null || min < 0)
        {
            // -1 down to min: "-" then the magnitudes 1..-min.
            var largest = max is null || max >= 0 ? BigInteger.One : -max.Value;
            options.Add(GrammarNode.Sequence(GrammarNode.Literal("-"), NonNegative(largest, min is null ? null : -min.Value)));
        }

        return GrammarNode.Choice([.. options]);
    }

    private static GrammarNode NonNegative(BigInteger min, BigInteger? max)
    {
        var minText = min.ToString();
        var lastLength = max?.ToString().Length ?? minText.Length;
        var options = new List<GrammarNode>();
        for (var length = minText.Length; length <= lastLength; length++)
        {
            var lowest = length == 1 ? BigInteger.Zero : BigInteger.Pow(10, length - 1);
            var highest = BigInteger.Pow(10, length) - 1;
            var first = BigInteger.Max(min, lowest);
            var last = max is null ? highest : BigInteger.Min(max.Value, highest);
            if (first <= last)
            {
                options.Add(SameLength(first.ToString(), last.ToString()));
            }
        }

        if (max is null)
        {
            // Every longer number: a non-zero digit, then at least as many digits as min has.
            options.Add(GrammarNode.Sequence(GrammarNode.Class(ByteSet.Range('1', '9')), new RepeatNode(Digit, minText.Length, null)));
        }

        return GrammarNode.Choice([.. options]);
    }

    private static GrammarNode SameLength(string low, string high)
    {
        if (low.Length == 0)
        {
            return GrammarNode.Empty;
        }

        if (low[0] == high[0])
        {
            return GrammarNode.Sequence(GrammarNode.Literal(low[..1]), SameLength(low[1..], high[1..]));
        }

        var rest = low.Length - 1;
        if (low.AsSpan(1).IndexOfAnyExcept('0') < 0 && high.AsSpan(1).IndexOfAnyExcept('9') < 0)
        {
            return GrammarNode.Sequence(GrammarNode.Class(ByteSet.Range(low[0], high[0])), new RepeatNode(Digit, rest, rest));
        }

        var options = new List<GrammarNode> { GrammarNode.Sequence(GrammarNode.Literal(low[..1]), SameLength(low[1..], new string('9', rest))) };
        if (high[0] - low[0] > 1)
        {
            options.Add(GrammarNode.Sequence(GrammarNode.Class(ByteSet.Range(low[0] + 1, high[0] - 1)), new RepeatNode(Digit, rest, rest)));
        }

        options.Add(GrammarNode.Sequence(GrammarNode.Literal(high[..1]), SameLength(new string('0', rest), high[1..])));
        return GrammarNode.Choice([.. options]);
    }
}
