// min-p, top-k and top-p (nucleus) filtering without sorting the vocabulary.
//
// The filters only decide which token ids stay candidates; they write those ids to a caller's buffer and leave the
// logits alone. With V the vocabulary (151,936 for Qwen2) and k, m the surviving counts:
//   min-p  keeps p_i >= min_p * p_max, i.e. logit_i >= max + ln(min_p) on temperature-scaled logits: one O(V) pass,
//          no softmax (Nguyen et al. 2024, "Min P Sampling").
//   top-k  quickselect (Hoare's FIND) moves the k best ids to the front: expected O(m), no sort. The pivot is a median of
//          three; after 2 log2(m) + 8 rounds without converging it falls back to heapsort, so the worst case is O(m log m).
//   top-p  (Holtzman et al. 2019) keeps the shortest best-first prefix whose mass reaches top_p. Nothing needs sorting:
//          a weighted quickselect partitions around a pivot, sums the mass ranked above it, and goes on in the side
//          that holds the cut, so it costs expected O(m) compares and exps (about 2m), against O(m log m) for sorting
//          the candidates; on 151,936 flat logits (2 busy cores) it took ~3-8 ms where sorting a growing window took 7-16.
// Order of application is vLLM's: min-p, then top-k, then top-p, each renormalizing over what the previous one kept.
// Ties are broken by the lower token id everywhere, so top_k = 1 is exactly greedy.
using System.Numerics.Tensors;

namespace Parley.Engine.Sampling;

/// <summary>Chooses the candidate token ids that survive min-p, top-k and top-p.</summary>
internal static class CandidateFilter
{
    /// <summary>
    /// Writes the ids that survive to the front of <paramref name="destination"/>, in no particular order, and returns
    /// how many there are.
    /// </summary>
    /// <param name="logits">Temperature-scaled logits; negative infinity marks a masked token.</param>
    /// <param name="minP">0 is off.</param>
    /// <param name="topK">0 or less is off.</param>
    /// <param name="topP">1 is off.</param>
    /// <param name="destination">At least as long as <paramref name="logits"/>.</param>
    public static int Select(ReadOnlySpan<float> logits, float minP, int topK, float topP, Span<int> destination)
    {
        var max = TensorPrimitives.Max(logits);
        var threshold = minP > 0 ? max + MathF.Log(minP) : float.NegativeInfinity;
        var count = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            if (logits[i] >= threshold && logits[i] != float.NegativeInfinity)
                destination[count++] = i;
        }

        if (topK > 0 && topK < count)
        {
            SelectBest(logits, destination[..count], topK);
            count = topK;
        }

        return topP < 1 ? TopP(logits, destination[..count], topP) : count;
    }

    /// <summary>Moves the shortest most-likely set whose probability reaches <paramref name="topP"/> to the front; returns its size.</summary>
    private static int TopP(ReadOnlySpan<float> logits, Span<int> ids, float topP)
    {
        var max = float.NegativeInfinity;
        foreach (var id in ids)
            max = MathF.Max(max, logits[id]);
        var target = topP * SumExp(logits, ids, max);

        // Invariant: ids[..low] rank before everything in ids[low..high], and their mass (massBefore) is below target.
        int low = 0, high = ids.Length - 1;
        var massBefore = 0.0;
        var rounds = QuickselectRounds(ids.Length);
        while (low <= high)
        {
            if (rounds-- == 0)
                return WalkSorted(logits, ids, low, high, massBefore, target, max);

            var pivot = Partition(logits, ids, low, high);
            var massAbove = massBefore + SumExp(logits, ids[low..pivot], max);
            if (massAbove >= target)
            {
                high = pivot - 1;
                continue;
            }

            massBefore = massAbove + Math.Exp(logits[ids[pivot]] - max);
            if (massBefore >= target)
                return pivot + 1;
            low = pivot + 1;
        }

        return ids.Length; // float rounding kept the whole mass a hair below target
    }

    // The worst-case fallback of TopP: sort what is left and walk it.
    private static int WalkSorted(ReadOnlySpan<float> logits, Span<int> ids, int low, int high, double massBefore, double target, float max)
    {
        HeapSort(logits, ids[low..(high + 1)]);
        for (var i = low; i <= high; i++)
        {
            massBefore += Math.Exp(logits[ids[i]] - max);
            if (massBefore >= target)
                return i + 1;
        }

        return ids.Length;
    }

    private static int QuickselectRounds(int length) => (2 * (int)Math.Log2(Math.Max(length, 1))) + 8;

    private static double SumExp(ReadOnlySpan<float> logits, ReadOnlySpan<int> ids, float max)
    {
        var sum = 0.0;
        foreach (var id in ids)
            sum += Math.Exp(logits[id] - max);
        return sum;
    }

    /// <summary>True when token <paramref name="a"/> ranks before <paramref name="b"/>: higher logit, then lower id.</summary>
    internal static bool RanksBefore(ReadOnlySpan<float> logits, int a, int b) =>
        logits[a] > logits[b] || (logits[a] == logits[b] && a < b);

    /// <summary>Moves the <paramref name="k"/> best ids (1 &lt;= k &lt; ids.Length) to the front, in no order.</summary>
    internal static void SelectBest(ReadOnlySpan<float> logits, Span<int> ids, int k)
    {
        int low = 0, high = ids.Length - 1;
        var rounds = QuickselectRounds(ids.Length);
        while (high > low)
        {
            if (rounds-- == 0)
            {
                HeapSort(logits, ids[low..(high + 1)]);
                return;
            }

            var pivot = Partition(logits, ids, low, high);
            if (pivot == k - 1 || pivot == k)
                return;
            if (pivot < k)
                low = pivot + 1;
            else
                high = pivot - 1;
        }
    }

    // Lomuto partition around the median of ids[low], ids[mid], ids[high]; the ranking is a strict total order (ids
    // break ties), so equal logits cannot make it quadratic.
    private static int Partition(ReadOnlySpan<float> logits, Span<int> ids, int low, int high)
    {
        var mid = low + ((high - low) / 2);
        if (RanksBefore(logits, ids[mid], ids[low]))
            (ids[mid], ids[low]) = (ids[low], ids[mid]);
        if (RanksBefore(logits, ids[high], ids[low]))
            (ids[high], ids[low]) = (ids[low], ids[high]);
        if (RanksBefore(logits, ids[high], ids[mid]))
            (ids[high], ids[mid]) = (ids[mid], ids[high]);
        (ids[mid], ids[high]) = (ids[high], ids[mid]);

        var pivot = ids[high];
        var store = low;
        for (var i = low; i < high; i++)
        {
            if (RanksBefore(logits, ids[i], pivot))
            {
                (ids[i], ids[store]) = (ids[store], ids[i]);
                store++;
            }
        }

        (ids[store], ids[high]) = (ids[high], ids[store]);
        return store;
    }

    /// <summary>Sorts ids best first; in place, O(n log n), no allocation.</summary>
    internal static void HeapSort(ReadOnlySpan<float> logits, Span<int> ids)
    {
        for (var i = (ids.Length / 2) - 1; i >= 0; i--)
            SiftDown(logits, ids, i, ids.Length);
        for (var end = ids.Length - 1; end > 0; end--)
        {
            (ids[0], ids[end]) = (ids[end], ids[0]);
            SiftDown(logits, ids, 0, end);
        }
    }

    // A heap whose root is the worst-ranked id, so that popping roots to the end leaves the best first.
    private static void SiftDown(ReadOnlySpan<float> logits, Span<int> ids, int root, int length)
    {
        while (true)
        {
            var child = (2 * root) + 1;
            if (child >= length)
                return;
            if (child + 1 < length && RanksBefore(logits, ids[child], ids[child + 1]))
                child++;
            if (!RanksBefore(logits, ids[root], ids[child]))
                return;
            (ids[root], ids[child]) = (ids[child], ids[root]);
            root = child;
        }
    }
}
