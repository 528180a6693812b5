// Which LoRA adapter sits in which of the backend's slots (vLLM's max_loras): an adapter a step needs is put in a free
// slot, or else in the least recently used slot whose adapter the step does not need. The scheduler keeps the running
// requests to at most as many adapters as there are slots, so a step always finds room.
using Parley.Engine.Backends;
using Parley.Engine.Lora;

namespace Parley.Engine.Core;

/// <summary>The backend's LoRA slots, filled least recently used first.</summary>
internal sealed class AdapterSlots(IBackend backend)
{
    private readonly int[] _adapterIds = new int[backend.LoraSlotCount]; // 0: empty
    private readonly long[] _lastUsed = new long[backend.LoraSlotCount];
    private long _clock;

    /// <summary>Adapters loaded into the backend so far (a reload after eviction counts again).</summary>
    public long LoadCount { get; private set; }

    /// <summary>The slot holding <paramref name="adapter"/>, loading it first if it is not resident.</summary>
    /// <param name="adapter">The adapter a sequence of this step runs.</param>
    /// <param name="neededIds">Every adapter this step runs: their slots are not taken.</param>
    /// <exception cref="InvalidOperationException">Every slot holds an adapter the step needs (the scheduler's bound was broken).</exception>
    public int SlotFor(LoraAdapter adapter, IReadOnlySet<int> neededIds)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentNullException.ThrowIfNull(neededIds);
        _clock++;
        var slot = Array.IndexOf(_adapterIds, adapter.Id);
        if (slot < 0)
        {
            slot = Victim(neededIds);
            backend.SetLoraAdapter(slot, adapter);
            _adapterIds[slot] = adapter.Id;
            LoadCount++;
        }

        _lastUsed[slot] = _clock;
        return slot;
    }

    private int Victim(IReadOnlySet<int> neededIds)
    {
        var victim = -1;
        for (var slot = 0; slot < _adapterIds.Length; slot++)
        {
            if (_adapterIds[slot] == 0)
            {
                return slot;
            }

            if (!neededIds.Contains(_adapterIds[slot]) && (victim < 0 || _lastUsed[slot] < _lastUsed[victim]))
            {
                victim = slot;
            }
        }

        return victim >= 0 ? victim : throw new InvalidOperationException($"All {_adapterIds.Length} LoRA slots hold adapters this step needs.");
    }
}
