// Applies an allowed-token bitset to a logits row. Whole words decide most of the row: inside a string nearly every
// word is all-ones (skip), after a structural byte nearly every word is zero (fill 64 lanes with -inf at once).
namespace Parley.Engine.Constraints;

internal static class TokenMask
{
    public static void Apply(ReadOnlySpan<ulong> allowed, Span<float> logits)
    {
        for (var word = 0; word < allowed.Length; word++)
        {
            var bits = allowed[word];
            var start = word << 6;
            var lanes = logits.Slice(start, Math.Min(64, logits.Length - start));
            if (bits == ulong.MaxValue && lanes.Length == 64)
            {
                continue;
            }

            if (bits == 0)
            {
                lanes.Fill(float.NegativeInfinity);
                continue;
            }

            for (var lane = 0; lane < lanes.Length; lane++)
            {
                if ((bits & (1UL << lane)) == 0)
                {
                    lanes[lane] = float.NegativeInfinity;
                }
            }
        }
    }

    public static bool IsAllowed(ReadOnlySpan<ulong> allowed, int id) => (uint)id < (uint)(allowed.Length << 6) && (allowed[id >> 6] & (1UL << (id & 63))) != 0;
}
