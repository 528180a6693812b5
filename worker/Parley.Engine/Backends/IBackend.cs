// The boundary every compute backend implements (CPU now, CUDA later): one call computes a batch of sequences, each a
// run of new tokens at known positions with its KV block table, writes those tokens' keys and values into the paged
// cache, and returns the next-token logits of the sequences that asked for them.
using Parley.Engine.Lora;
using Parley.Engine.Models;

namespace Parley.Engine.Backends;

/// <summary>Runs the model's forward pass over a batch.</summary>
public interface IBackend : IDisposable
{
    /// <summary>The model this backend runs.</summary>
    ModelConfig Config { get; }

    /// <summary>How many KV blocks (of <see cref="Scheduling.BlockPool.BlockSize"/> tokens) the backend holds, null block included.</summary>
    int KvBlockCount { get; }

    /// <summary>Computes <paramref name="batch"/>.</summary>
    /// <param name="batch">The sequences, their new tokens, positions and block tables.</param>
    /// <param name="logits">[batch.LogitsCount, VocabSize]: the last-position logits of each sequence with
    /// <see cref="BatchSequence.ReturnsLogits"/>, in batch order.</param>
    void Forward(ForwardBatch batch, Span<float> logits);

    /// <summary>How many LoRA adapters the backend holds at once (vLLM's max_loras); 0 when it runs the base model only.</summary>
    int LoraSlotCount => 0;

    /// <summary>Puts <paramref name="adapter"/> in <paramref name="slot"/>, replacing the one there; sequences select it
    /// by <see cref="BatchSequence.AdapterSlot"/> from the next forward pass on.</summary>
    /// <exception cref="NotSupportedException">The backend runs no adapters.</exception>
    void SetLoraAdapter(int slot, LoraAdapter adapter) => throw new NotSupportedException("This backend runs no LoRA adapters.");
}
