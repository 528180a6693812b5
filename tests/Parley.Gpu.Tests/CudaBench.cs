// Decode and prefill speed of the CUDA backend on random-weight checkpoints of real shapes, as one table. The HBM
// roofline is the batch-1 ceiling: every decode step reads every weight once, so tokens/s ≤ bandwidth / weight bytes.
using System.Diagnostics;
using Parley.Engine.Backends;
using Parley.Engine.Backends.Cuda;
using Parley.Engine.Models;
using Parley.Testing.Models;
using static Parley.Gpu.Tests.Calls;

namespace Parley.Gpu.Tests;

internal static class CudaBench
{
    private const int PromptTokens = 1000;
    private const int MaxSequences = 64;

    // Shapes from the models' config.json files on the Hugging Face hub.
    internal static readonly TinyModelSpec Qwen2_1_5B = new()
    {
        ModelType = "qwen2", HiddenSize = 1536, IntermediateSize = 8960, NumHiddenLayers = 28, NumAttentionHeads = 12, NumKeyValueHeads = 2,
        VocabSize = 151936, TieWordEmbeddings = true, Dtype = SafetensorsDtype.BF16, MaxPositionEmbeddings = 32768, Fill = TinyWeightFill.RandomBits,
    };

    internal static readonly TinyModelSpec Llama3_8B = new()
    {
        ModelType = "llama", HiddenSize = 4096, IntermediateSize = 14336, NumHiddenLayers = 32, NumAttentionHeads = 32, NumKeyValueHeads = 8,
        VocabSize = 128256, Dtype = SafetensorsDtype.BF16, MaxPositionEmbeddings = 8192, Fill = TinyWeightFill.RandomBits,
    };

    // --tiny: the same table on a small model, for the emulated CUDA (the script's own test), where real shapes would
    // take hours.
    private static readonly TinyModelSpec Tiny = new()
    {
        ModelType = "qwen2", HiddenSize = 128, IntermediateSize = 256, NumAttentionHeads = 4, NumKeyValueHeads = 2, Fill = TinyWeightFill.RandomBits,
    };

    public static int Run(string[] args)
    {
        var tiny = args.Contains("--tiny");
        var shapes = tiny
            ? [("tiny qwen2 bf16", Tiny)]
            : new List<(string, TinyModelSpec)> { ("Qwen2-1.5B bf16", Qwen2_1_5B), ("Llama-3-8B GPTQ-int4", Llama3_8B with { Gptq = new TinyGptq(128) }) };
        if (args.Contains("--all"))
        {
            shapes.Add(("Llama-3-8B bf16", Llama3_8B));
        }

        var (prompt, batches, maxBatched) = tiny ? (64, new[] { 1, 4 }, 128) : (PromptTokens, new[] { 1, 16, 64 }, 2048);
        var headerPrinted = false;
        foreach (var (name, spec) in shapes)
        {
            var clock = Stopwatch.StartNew();
            using var folder = new TinyCheckpointFolder(spec);
            var written = clock.Elapsed.TotalSeconds;
            using var backend = CudaBackend.Load(folder.Path, new CudaBackendOptions
            {
                MaxBatchedTokens = maxBatched, MaxSequences = MaxSequences, MaxModelLen = 2048, PtxCacheDirectory = TinyBackends.PtxCache,
            });
            if (!headerPrinted)
            {
                // Every line as soon as it is known: a run stopped by its time limit still reports what it reached.
                Console.WriteLine($"CUDA backend on {backend.Device.Name}, {backend.Device.TotalMemoryBytes / (double)(1L << 30):F0} GiB, {backend.Device.MemoryBandwidthBytesPerSecond / 1e9:F0} GB/s");
                headerPrinted = true;
            }

            var roofline = backend.Device.MemoryBandwidthBytesPerSecond / backend.WeightBytes;
            Console.WriteLine($"{name}: checkpoint written in {written:F1} s, loaded in {clock.Elapsed.TotalSeconds - written:F1} s, {backend.WeightBytes / (double)(1L << 30):F2} GiB of weights, {backend.KvBlockCount} KV blocks; HBM roofline {roofline:F0} tok/s at batch 1");
            var predicted = TuningPrediction.PredictedKvTokens(spec, backend.Device.TotalMemoryBytes);
            var got = (backend.KvBlockCount - 1L) * Parley.Engine.Scheduling.BlockPool.BlockSize;
            Console.WriteLine($"{name}: KV tokens predicted by Parley.Tuning {predicted:N0}, got {got:N0}, ratio {(predicted > 0 ? got / (double)predicted : double.NaN):F3} (got / predicted, gpu_memory_utilization {TuningPrediction.Utilization})");
            Console.WriteLine($"{name}: time to first token for {prompt} tokens {TimeToFirstToken(backend, prompt):F1} ms");
            foreach (var sequences in batches)
            {
                var rate = DecodeTokensPerSecond(backend, sequences, steps: sequences == 1 ? 64 : 32, maxBatched);
                Console.WriteLine($"{name}: decode with {sequences} sequences {rate:F0} tok/s{(sequences == 1 ? $" ({100 * rate / roofline:F0}% of the roofline)" : "")}");
            }

            var (free, total) = backend.Device.MemoryInfo();
            Console.WriteLine($"{name}: device memory in use {(total - free) / (double)(1L << 30):F2} GiB of {total / (double)(1L << 30):F2} GiB");
        }

        return 0;
    }

    private static double TimeToFirstToken(IBackend backend, int tokens)
    {
        var prompt = RandomTokens(tokens, seed: 1);
        var table = Blocks(1, tokens);
        Forward(backend, (prompt, 0, table)); // warm-up: PTX load, cuBLAS heuristics
        var best = double.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            Forward(backend, (prompt, 0, table));
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
        }

        return best;
    }

    // `sequences` sequences with 128-token contexts, decoding one token each per step (a graph replay per step).
    private static double DecodeTokensPerSecond(IBackend backend, int sequences, int steps, int maxBatched)
    {
        const int Context = 128;
        var tables = Enumerable.Range(0, sequences).Select(s => Blocks(1 + (s * 16), Context + steps + 1)).ToArray();
        var prompts = Enumerable.Range(0, sequences).Select(s => RandomTokens(Context, s)).ToArray();
        var perPrefill = Math.Clamp(maxBatched / Context, 1, 8);
        for (var first = 0; first < sequences; first += perPrefill)
        {
            Forward(backend, Enumerable.Range(first, Math.Min(perPrefill, sequences - first)).Select(s => (prompts[s], 0, tables[s])).ToArray());
        }

        Step(backend, tables, Context); // capture
        var clock = Stopwatch.StartNew();
        for (var step = 1; step <= steps; step++)
        {
            Step(backend, tables, Context + step);
        }

        return sequences * steps / clock.Elapsed.TotalSeconds;
    }

    private static void Step(IBackend backend, int[][] tables, int position) =>
        Forward(backend, tables.Select((table, s) => (new[] { (position + s) % 259 }, position, table)).ToArray());
}
