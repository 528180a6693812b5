// The LoRA slots of the CUDA backend. Each slot owns device memory for the largest adapter it may hold (max_lora_rank
// on all seven projections of every layer), allocated at load so the KV cache is sized after it and a CUDA graph
// captured once keeps valid addresses; putting an adapter in a slot only copies its weights and rewrites the slot's
// column of the pointer tables (0 where it does not adapt a projection), its rank and its scale. The kernels read
// those tables on the device, so a replayed decode graph serves whichever adapters the slots hold now.
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Engine.Lora;
using Parley.Engine.Models;

namespace Parley.Engine.Backends.Cuda;

/// <summary>Adapters resident on the device, and their updates to a step's projections.</summary>
internal sealed class CudaLora : IDisposable
{
    private readonly ModelConfig _config;
    private readonly int _slotCount;
    private readonly int _maxRank;
    private readonly long[] _offsets;              // [layers · 7]: float offset of each projection's A in a slot; Bᵀ follows it
    private readonly List<DeviceBuffer> _slots = []; // [slots] each [Σ (in + out) · max_rank] f32
    private readonly ulong[] _aTable;              // [layers, 7, slots] device pointers, 0: not adapted
    private readonly ulong[] _bTable;
    private readonly int[] _ranks;                 // [slots]
    private readonly float[] _scales;              // [slots]
    private readonly DeviceBuffer _tables;         // a table, b table, ranks, scales
    private readonly DeviceBuffer _shrunk;         // [T, max_rank] f32

    public CudaLora(ModelConfig config, int slotCount, int maxRank, int maxTokens, nint stream)
    {
        _config = config;
        _slotCount = slotCount;
        _maxRank = Math.Max(1, maxRank);
        _offsets = new long[config.NumHiddenLayers * LoraTargets.All.Count];
        long floats = 0;
        for (var i = 0; i < _offsets.Length; i++)
        {
            var target = LoraTargets.All[i % LoraTargets.All.Count];
            _offsets[i] = floats;
            floats += (long)_maxRank * (target.InFeatures(config) + target.OutFeatures(config));
        }

        _aTable = new ulong[_offsets.Length * slotCount];
        _bTable = new ulong[_offsets.Length * slotCount];
        _ranks = new int[slotCount];
        _scales = new float[slotCount];
        try
        {
            for (var slot = 0; slot < slotCount; slot++)
            {
                _slots.Add(new DeviceBuffer(floats * sizeof(float)));
            }

            _tables = new DeviceBuffer(Math.Max(1, (2L * _aTable.Length * sizeof(ulong)) + (slotCount * 8L)));
            _shrunk = new DeviceBuffer(Math.Max(1, (long)maxTokens * _maxRank * sizeof(float)));
            _tables.Clear(stream); // every slot empty: null tables, rank 0
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int SlotCount => _slotCount;

    /// <summary>Whether an adapter was put in <paramref name="slot"/>.</summary>
    public bool Holds(int slot) => (uint)slot < (uint)_slotCount && _ranks[slot] > 0;

    /// <summary>Device bytes the slots hold.</summary>
    public long Bytes => _slots.Sum(slot => slot.Bytes);

    private ulong ATableAddress => _tables.Pointer;
    private ulong BTableAddress => _tables.Pointer + ((ulong)_aTable.Length * sizeof(ulong));
    private ulong RanksAddress => BTableAddress + ((ulong)_bTable.Length * sizeof(ulong));
    private ulong ScalesAddress => RanksAddress + ((ulong)_slotCount * sizeof(int));

    /// <summary>Copies <paramref name="adapter"/> into <paramref name="slot"/> and points the tables at it.</summary>
    /// <exception cref="ArgumentException">Its rank exceeds the slots', or it was read for another layer count.</exception>
    public void Set(int slot, LoraAdapter adapter, nint stream)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)slot, (uint)_slotCount, nameof(slot));
        if (adapter.Rank > _maxRank || adapter.LayerCount != _config.NumHiddenLayers)
        {
            throw new ArgumentException($"Adapter '{adapter.Name}' has rank {adapter.Rank} over {adapter.LayerCount} layers; this backend holds rank {_maxRank} over {_config.NumHiddenLayers}.", nameof(adapter));
        }

        var buffer = _slots[slot];
        for (var i = 0; i < _offsets.Length; i++)
        {
            var (layer, target) = (i / LoraTargets.All.Count, LoraTargets.All[i % LoraTargets.All.Count]);
            var entry = (i * _slotCount) + slot;
            if (adapter.Weights(layer, target) is not { } weights)
            {
                (_aTable[entry], _bTable[entry]) = (0, 0);
                continue;
            }

            var a = _offsets[i] * sizeof(float);
            var b = a + ((long)_maxRank * weights.InFeatures * sizeof(float));
            buffer.UploadNow<float>(weights.A, stream, a);
            buffer.UploadNow<float>(weights.BTransposed, stream, b);
            (_aTable[entry], _bTable[entry]) = (buffer.Pointer + (ulong)a, buffer.Pointer + (ulong)b);
        }

        _ranks[slot] = adapter.Rank;
        _scales[slot] = adapter.Scale;
        _tables.UploadNow<ulong>(_aTable, stream);
        _tables.UploadNow<ulong>(_bTable, stream, (long)_aTable.Length * sizeof(ulong));
        _tables.UploadNow<int>(_ranks, stream, 2L * _aTable.Length * sizeof(ulong));
        _tables.UploadNow<float>(_scales, stream, (2L * _aTable.Length * sizeof(ulong)) + ((long)_slotCount * sizeof(int)));
    }

    /// <summary>Queues y += scale·B·(A·x) for the tokens whose slot adapts <paramref name="target"/> in <paramref name="layer"/>.</summary>
    /// <param name="ops">The stream's operations.</param>
    /// <param name="layer">The decoder layer.</param>
    /// <param name="target">The projection.</param>
    /// <param name="x">[T, in] its input, in <paramref name="xDtype"/>.</param>
    /// <param name="xDtype">The input's element type.</param>
    /// <param name="tokenSlots">[T] each token's slot, −1 for none.</param>
    /// <param name="tokenCount">T.</param>
    /// <param name="y">[T, out] its float32 output.</param>
    public void Add(CudaOps ops, int layer, LoraTarget target, ulong x, CudaDtype xDtype, ulong tokenSlots, int tokenCount, ulong y)
    {
        ArgumentNullException.ThrowIfNull(ops);
        var table = (ulong)(((layer * LoraTargets.All.Count) + (int)target) * _slotCount * sizeof(ulong));
        ops.LoraShrink(x, xDtype, target.InFeatures(_config), tokenSlots, ATableAddress + table, RanksAddress, ScalesAddress, _maxRank, tokenCount, _shrunk.Pointer);
        ops.LoraExpand(_shrunk.Pointer, _maxRank, tokenSlots, BTableAddress + table, RanksAddress, target.OutFeatures(_config), tokenCount, y);
    }

    public void Dispose()
    {
        _slots.ForEach(slot => slot.Dispose());
        _tables?.Dispose();
        _shrunk?.Dispose();
    }
}
