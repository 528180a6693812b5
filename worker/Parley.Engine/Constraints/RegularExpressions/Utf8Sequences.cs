// A set of code points as a grammar over UTF-8 bytes: each range is split until every piece is a fixed-length run of
// byte ranges (the method of Rust's utf8-ranges / regex-syntax), e.g. U+0080..U+07FF is [C2-DF][80-BF]. One-byte
// pieces share a single byte class, so ASCII-heavy classes add no nondeterminism.
using Parley.Engine.Constraints.Grammars;

namespace Parley.Engine.Constraints.RegularExpressions;

internal static class Utf8Sequences
{
    // Last code point of each UTF-8 length: 1, 2 and 3 bytes.
    private static readonly int[] LengthLimits = [0x7F, 0x7FF, 0xFFFF];

    public static GrammarNode Of(CodePointSet set)
    {
        var ascii = ByteSet.Empty;
        var options = new List<GrammarNode>();
        foreach (var (first, last) in set.Ranges)
        {
            foreach (var sequence in Split(first, last))
            {
                if (sequence.Length == 1)
                {
                    ascii = ascii.Union(ByteSet.Range(sequence[0].First, sequence[0].Last));
                }
                else
                {
                    options.Add(GrammarNode.Sequence([.. sequence.Select(range => GrammarNode.Class(ByteSet.Range(range.First, range.Last)))]));
                }
            }
        }

        if (!ascii.IsEmpty)
        {
            options.Insert(0, GrammarNode.Class(ascii));
        }

        return options.Count == 0 ? GrammarNode.Class(ByteSet.Empty) : GrammarNode.Choice([.. options]);
    }

    private static IEnumerable<(int First, int Last)[]> Split(int first, int last)
    {
        foreach (var limit in LengthLimits)
        {
            if (first <= limit && last > limit)
            {
                return Split(first, limit).Concat(Split(limit + 1, last));
            }
        }

        if (last <= 0x7F)
        {
            return [[(first, last)]];
        }

        var length = Encode(first).Length;
        for (var i = 1; i < length; i++)
        {
            var low = (1 << (6 * i)) - 1;
            if ((first & ~low) != (last & ~low))
            {
                if ((first & low) != 0)
                {
                    return Split(first, first | low).Concat(Split((first | low) + 1, last));
                }

                if ((last & low) != low)
                {
                    return Split(first, (last & ~low) - 1).Concat(Split(last & ~low, last));
                }
            }
        }

        var firstBytes = Encode(first);
        var lastBytes = Encode(last);
        return [[.. firstBytes.Zip(lastBytes, (a, b) => ((int)a, (int)b))]];
    }

    private static byte[] Encode(int codePoint) => System.Text.Encoding.UTF8.GetBytes(char.ConvertFromUtf32(codePoint));
}
