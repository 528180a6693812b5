using Parley.Engine.Models;

namespace Parley.Engine.Backends.Cpu;

/// <summary>Sizes the CPU backend's buffers; the scheduler's limits must stay within them.</summary>
public sealed record CpuBackendOptions
{
    /// <summary>KV blocks to hold, the scheduler's null block 0 included.</summary>
    public required int KvBlockCount { get; init; }

    /// <summary>Most tokens one forward pass computes (vLLM's max_num_batched_tokens).</summary>
    public required int MaxBatchedTokens { get; init; }

    /// <summary>Most sequences one forward pass returns logits for (vLLM's max_num_seqs).</summary>
    public required int MaxSequences { get; init; }

    /// <summary>Longest sequence, prompt and output together.</summary>
    public required int MaxModelLen { get; init; }

    /// <summary>LoRA adapters held at once (vLLM's max_loras); 0 runs the base model only.</summary>
    public int MaxLoras { get; init; }

    /// <summary>The largest LoRA rank an adapter may have (vLLM's max_lora_rank).</summary>
    public int MaxLoraRank { get; init; } = 16;

    /// <summary>Products of bf16 weights round the activations to bf16 and run the native kernels of
    /// <see cref="BFloat16Kernel"/> where the CPU has AVX-512 and the native library was built; false keeps every
    /// activation float32 and the products managed.</summary>
    public bool NativeBFloat16 { get; init; } = true;

    /// <summary>The native bf16 products' kernel; Auto takes the faster on this CPU.</summary>
    public BFloat16Kernel BFloat16Kernel { get; init; } = BFloat16Kernel.Auto;

    /// <summary>Where the weights are read from: by default read into memory advised for 2 MiB pages, which a step
    /// streams with one TLB miss per 2 MiB (<see cref="WeightStorage.HugePages"/>); <see cref="WeightStorage.Mapped"/>
    /// reads the memory-mapped files in place, sharing the page cache with other processes.</summary>
    public WeightStorage WeightStorage { get; init; } = WeightStorage.HugePages;

    /// <summary>Times every matrix product by shape (<see cref="CpuBackend.ProductTimer"/>), for profiling; off by default.</summary>
    public bool TimeProducts { get; init; }

    /// <summary>Threads for the matrix products and attention; all cores by default.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
}
