// Byte-level BPE for one pre-tokenized piece in O(n log n), the way Hugging Face's tokenizers merge a word: symbols in
// a linked list, candidate pairs in a min-heap ordered by (merge rank, position), and each popped pair checked against
// the list before it is merged, since earlier merges may have consumed one of its symbols. The textbook loop (find the
// best pair, merge, rescan) costs O(n^2) on one long piece: a megabyte without a space took minutes of a core.
//
// A lower rank merges first; equal ranks merge left to right, so the result is the one every BPE implementation gives.
namespace Parley.Engine.Text;

/// <summary>Merges the bytes of one piece into token ids.</summary>
public sealed class BpeMerger
{
    private readonly int[] _byteIds = new int[256];
    private readonly Dictionary<long, (int Rank, int Id)> _merges;

    /// <param name="vocabulary">Token strings (in the byte-level alphabet) and their ids.</param>
    /// <param name="merges">Merge rules in rank order, each "left right".</param>
    public BpeMerger(IReadOnlyDictionary<string, int> vocabulary, IEnumerable<string> merges)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(merges);
        for (var b = 0; b < 256; b++)
        {
            _byteIds[b] = vocabulary.TryGetValue(ByteLevelAlphabet.ToChar((byte)b).ToString(), out var id)
                ? id
                : throw new NotSupportedException($"The vocabulary has no token for byte {b}; it is not a byte-level BPE vocabulary.");
        }

        _merges = new Dictionary<long, (int, int)>();
        var rank = 0;
        foreach (var merge in merges)
        {
            var space = merge.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && vocabulary.TryGetValue(merge[..space], out var left) && vocabulary.TryGetValue(merge[(space + 1)..], out var right)
                && vocabulary.TryGetValue(string.Concat(merge.AsSpan(0, space), merge.AsSpan(space + 1)), out var merged))
            {
                _merges.TryAdd(Key(left, right), (rank, merged));
            }

            rank++;
        }
    }

    /// <summary>Appends the ids of <paramref name="utf8"/> (one piece) to <paramref name="ids"/>.</summary>
    public void Encode(ReadOnlySpan<byte> utf8, List<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var count = utf8.Length;
        if (count == 0)
        {
            return;
        }

        // Symbol i starts as byte i; merged symbols keep the left position and drop the right one from the list.
        var symbol = new int[count];
        var next = new int[count];
        var previous = new int[count];
        for (var i = 0; i < count; i++)
        {
            symbol[i] = _byteIds[utf8[i]];
            next[i] = i + 1 < count ? i + 1 : -1;
            previous[i] = i - 1;
        }

        var candidates = new PriorityQueue<int, long>();
        for (var i = 0; i + 1 < count; i++)
        {
            Offer(candidates, symbol, i, i + 1);
        }

        while (candidates.TryDequeue(out var left, out var priority))
        {
            var right = next[left];
            if (right < 0 || previous[left] == -2 || !_merges.TryGetValue(Key(symbol[left], symbol[right]), out var merge) || merge.Rank != (int)(priority >> 32))
            {
                continue; // stale: one of its symbols was merged away since it was offered
            }

            symbol[left] = merge.Id;
            next[left] = next[right];
            if (next[right] >= 0)
            {
                previous[next[right]] = left;
            }

            previous[right] = -2; // gone
            if (previous[left] >= 0)
            {
                Offer(candidates, symbol, previous[left], left);
            }

            if (next[left] >= 0)
            {
                Offer(candidates, symbol, left, next[left]);
            }
        }

        for (var i = 0; i >= 0; i = next[i])
        {
            ids.Add(symbol[i]);
        }
    }

    private void Offer(PriorityQueue<int, long> candidates, int[] symbol, int left, int right)
    {
        if (_merges.TryGetValue(Key(symbol[left], symbol[right]), out var merge))
        {
            candidates.Enqueue(left, ((long)merge.Rank << 32) | (uint)left);
        }
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;
}
