// Parley's CPU backend timed the way llama.cpp is timed beside it: one prompt computed in a single forward pass
// (prefill), then one token per pass (decode), logits returned each time and no sampling; and batched decode, where
// S sequences share the prompt's KV blocks (as prefix caching would give them) and each adds one token per pass.
using System.Diagnostics;
using System.Numerics.Tensors;
using Parley.Engine.Backends;
using Parley.Engine.Backends.Cpu;
using Parley.Engine.Models;

namespace Parley.Engine.Bench;

/// <summary>Tokens per second of one backend configuration.</summary>
internal sealed record Throughput(double PrefillTokensPerSecond, double DecodeTokensPerSecond);

/// <summary>Batched decode's generated tokens per second, all sequences together, and its decode steps' matrix products
/// by shape where the products were timed (else empty).</summary>
internal sealed record BatchedRate(double TokensPerSecond, int Steps, IReadOnlyList<ProductTime> Products);

/// <summary>What the backend is opened with: the native bf16 kernel (null: the managed kernels with float32
/// activations), where the weights are read from, and whether each matrix product is timed.</summary>
internal sealed record ParleySettings(BFloat16Kernel? Kernel, WeightStorage Weights, bool TimeProducts = false)
{
    public static readonly ParleySettings Default = new(BFloat16Kernel.Auto, WeightStorage.HugePages);
}

internal static class ParleyMeasurement
{
    private const int BlockSize = Scheduling.BlockPool.BlockSize;

    public static Throughput Single(string folder, int threads, int promptTokens, int decodeTokens, ParleySettings? settings = null)
    {
        var blocks = Blocks(promptTokens + decodeTokens);
        using var backend = Open(folder, threads, promptTokens, decodeTokens, sequences: 1, kvBlocks: 1 + 2 * blocks, settings ?? ParleySettings.Default);
        var prompt = Prompt(promptTokens);
        var logits = new float[backend.Config.VocabSize];
        Prefill(backend, prompt, Range(1, blocks), logits); // warm-up: page the weights in, compile the kernels

        var table = Range(1 + blocks, blocks);
        var clock = Stopwatch.StartNew();
        Prefill(backend, prompt, table, logits);
        var prefill = clock.Elapsed.TotalSeconds;

        clock.Restart();
        for (var i = 0; i < decodeTokens; i++)
        {
            var token = TensorPrimitives.IndexOfMax<float>(logits);
            backend.Forward(new ForwardBatch([new BatchSequence(0, 1, promptTokens + i, table, true)], [token]), logits);
        }

        return new Throughput(promptTokens / prefill, decodeTokens / clock.Elapsed.TotalSeconds);
    }

    /// <summary>Generated tokens per second, all sequences together, when <paramref name="sequences"/> decode at once.</summary>
    /// <param name="promptTokens">A multiple of the block size, so every sequence shares all prompt blocks.</param>
    public static BatchedRate BatchedDecode(string folder, int threads, int promptTokens, int decodeTokens, int sequences, ParleySettings settings)
    {
        var shared = promptTokens / BlockSize;
        var own = Blocks(promptTokens + decodeTokens + 1) - shared;
        using var backend = Open(folder, threads, promptTokens, decodeTokens + 1, sequences, kvBlocks: 1 + shared + sequences * own, settings);
        var logits = new float[sequences * backend.Config.VocabSize];
        Prefill(backend, Prompt(promptTokens), Range(1, shared), logits);
        var tables = Enumerable.Range(0, sequences).Select(s => Range(1, shared).Concat(Range(1 + shared + s * own, own)).ToArray()).ToArray();
        var tokens = Enumerable.Range(0, sequences).Select(s => 300 + s).ToArray();

        var clock = new Stopwatch();
        for (var step = 0; step <= decodeTokens; step++)
        {
            if (step == 1)
            {
                backend.ProductTimer?.Reset();
                clock.Start(); // step 0 is a warm-up
            }

            var position = promptTokens + step;
            backend.Forward(new ForwardBatch(tables.Select((table, s) => new BatchSequence(s, 1, position, table, true)).ToArray(), tokens), logits);
        }

        return new BatchedRate(sequences * decodeTokens / clock.Elapsed.TotalSeconds, decodeTokens, backend.ProductTimer?.Snapshot() ?? []);
    }

    public static int[] Prompt(int length) => Enumerable.Range(0, length).Select(i => (i * 37 + 11) % 256).ToArray();

    private static CpuBackend Open(string folder, int threads, int promptTokens, int decodeTokens, int sequences, int kvBlocks, ParleySettings settings) =>
        CpuBackend.Load(folder, new CpuBackendOptions
        {
            KvBlockCount = kvBlocks,
            MaxBatchedTokens = Math.Max(promptTokens, sequences),
            MaxSequences = sequences,
            MaxModelLen = promptTokens + decodeTokens,
            Threads = threads,
            BFloat16Kernel = settings.Kernel ?? BFloat16Kernel.Auto,
            NativeBFloat16 = settings.Kernel is not null,
            WeightStorage = settings.Weights,
            TimeProducts = settings.TimeProducts,
        });

    private static void Prefill(CpuBackend backend, int[] prompt, int[] table, float[] logits) =>
        backend.Forward(new ForwardBatch([new BatchSequence(0, prompt.Length, 0, table, true)], prompt), logits.AsSpan(0, backend.Config.VocabSize));

    private static int[] Range(int first, int count) => Enumerable.Range(first, count).ToArray();

    private static int Blocks(int tokens) => (tokens + BlockSize - 1) / BlockSize;
}
