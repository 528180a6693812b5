// The adapters resident in the CPU backend, one per slot, and what they add to a step's projections. The step's
// sequences are cut into segments of consecutive tokens that share an adapter (Punica's SGMV segments); after each
// base product, every segment with an adapter adds its low-rank update to the projection's output, so one forward
// pass serves the base model and several adapters side by side.
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Lora;

namespace Parley.Engine.Backends.Cpu;

/// <summary>LoRA slots and their per-step updates.</summary>
internal sealed unsafe class CpuLora(int slotCount, int maxRank, int maxTokens, int layerCount)
{
    private readonly LoraAdapter?[] _slots = new LoraAdapter?[slotCount];
    private readonly float[] _shrunk = new float[Math.Max(1, maxRank)];
    private readonly int[] _segmentStart = new int[maxTokens];  // first token of each segment
    private readonly int[] _segmentLength = new int[maxTokens]; // its token count
    private readonly int[] _segmentSlot = new int[maxTokens];   // its adapter's slot
    private int _segmentCount;

    public int SlotCount => _slots.Length;

    /// <exception cref="ArgumentException">The adapter's rank exceeds the backend's, or it was read for another layer count.</exception>
    public void Set(int slot, LoraAdapter adapter)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)slot, (uint)_slots.Length, nameof(slot));
        if (adapter.Rank > maxRank || adapter.LayerCount != layerCount)
        {
            throw new ArgumentException($"Adapter '{adapter.Name}' has rank {adapter.Rank} over {adapter.LayerCount} layers; this backend holds rank {maxRank} over {layerCount}.", nameof(adapter));
        }

        _slots[slot] = adapter;
    }

    /// <summary>Cuts the batch into segments of tokens that share an adapter; sequences of the base model get none.</summary>
    public void Prepare(ForwardBatch batch)
    {
        _segmentCount = 0;
        foreach (var sequence in batch.Sequences)
        {
            var slot = sequence.AdapterSlot;
            if (slot < 0)
            {
                continue;
            }

            if (slot >= _slots.Length || _slots[slot] is null)
            {
                throw new ArgumentException($"A sequence selects LoRA slot {slot}, which holds no adapter.", nameof(batch));
            }

            var last = _segmentCount - 1;
            if (last >= 0 && _segmentSlot[last] == slot && _segmentStart[last] + _segmentLength[last] == sequence.TokenOffset)
            {
                _segmentLength[last] += sequence.TokenCount;
                continue;
            }

            _segmentStart[_segmentCount] = sequence.TokenOffset;
            _segmentLength[_segmentCount] = sequence.TokenCount;
            _segmentSlot[_segmentCount] = slot;
            _segmentCount++;
        }
    }

    /// <summary>Adds each segment's update of <paramref name="target"/> in <paramref name="layer"/> to y.</summary>
    /// <param name="layer">The decoder layer.</param>
    /// <param name="target">The projection.</param>
    /// <param name="x">[T, in] the projection's input.</param>
    /// <param name="y">[T, ·] its output, token t's row at t · <paramref name="yStride"/>.</param>
    /// <param name="yStride">Floats between output rows.</param>
    public void Add(int layer, LoraTarget target, float* x, float* y, int yStride)
    {
        for (var s = 0; s < _segmentCount; s++)
        {
            var adapter = _slots[_segmentSlot[s]]!;
            if (adapter.Weights(layer, target) is not { } weights)
            {
                continue;
            }

            int first = _segmentStart[s], count = _segmentLength[s];
            var input = new ReadOnlySpan<float>(x + ((long)first * weights.InFeatures), count * weights.InFeatures);
            var output = new Span<float>(y + ((long)first * yStride), ((count - 1) * yStride) + weights.OutFeatures);
            LoraProduct.Apply(input, count, weights.A, weights.BTransposed, weights.Rank, adapter.Scale, _shrunk, output, yStride);
        }
    }
}
