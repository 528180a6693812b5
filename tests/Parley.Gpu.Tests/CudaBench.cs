// Decode and prefill speed of the CUDA backend on random-weight checkpoints of real shapes, as one table. The HBM
// roofline is the batch-1 ceiling: every decode step reads every weight once, so tokens/s ≤ bandwidth / weight bytes.
using System.Diagnostics;
using Parley.Engine.Backends;
using Parley.Engine.Backends.Cuda;
using Parley.Engine.Models;
using static Parley.Gpu.Tests.Calls;

namespace Parley.Gpu.Tests;

internal static class CudaBench
{
    private const int PromptTokens = 1000;
    private const int MaxSequences = 64;

    // Shapes from the models' config.json files on the Hugging Face hub.
    private static readonly TinyModelSpec Qwen2_1_5B = new()
    {
        ModelType = "qwen2", HiddenSize = 1536, IntermediateSize = 8960, NumHiddenLayers = 28, NumAttentionHeads = 12, NumKeyValueHeads = 2,
        VocabSize = 151936, TieWordEmbeddings = true, Dtype = SafetensorsDtype.BF16, MaxPositionEmbeddings = 32768,
    };

    private static readonly TinyModelSpec Llama3_8B = new()
    {
        ModelType = "llama", HiddenSize = 4096, IntermediateSize = 14336, NumHiddenLayers = 32, NumAttentionHeads = 32, NumKeyValueHeads = 8,
        VocabSize = 128256, Dtype = SafetensorsDtype.BF16, MaxPositionEmbeddings = 8192,
    };

    public static int Run(string[] args)
    {
        var shapes = new List<(string, TinyModelSpec)> { ("Qwen2-1.5B bf16", Qwen2_1_5B), ("Llama-3-8B GPTQ-int4", Llama3_8B with { Gptq = new TinyGptq(128) }) };
        if (args.Contains("--all"))
        {
            shapes.Add(("Llama-3-8B bf16", Llama3_8B));
        }

        var rows = new List<string>();
        string? device = null;
        foreach (var (name, spec) in shapes)
        {
            using var folder = new TinyFolder(spec);
            using var backend = CudaBackend.Load(folder.Path, new CudaBackendOptions { MaxBatchedTokens = 2048, MaxSequences = MaxSequences, MaxModelLen = 2048 });
            device ??= $"{backend.Device.Name}, {backend.Device.TotalMemoryBytes / (double)(1L << 30):F0} GiB, {backend.Device.MemoryBandwidthBytesPerSecond / 1e9:F0} GB/s";
            var roofline = backend.Device.MemoryBandwidthBytesPerSecond / backend.WeightBytes;
            var ttft = TimeToFirstToken(backend);
            var decode1 = DecodeTokensPerSecond(backend, 1, steps: 64);
            var decode16 = DecodeTokensPerSecond(backend, 16, steps: 32);
            var decode64 = DecodeTokensPerSecond(backend, 64, steps: 32);
            var (free, total) = backend.Device.MemoryInfo();
            rows.Add($"| {name,-22} | {decode1,8:F0} | {roofline,8:F0} | {100 * decode1 / roofline,5:F0}% | {decode16,8:F0} | {decode64,8:F0} | {ttft,8:F1} | {(total - free) / (double)(1L << 30),6:F1} | {backend.KvBlockCount,7} |");
        }

        Console.WriteLine($"CUDA backend on {device}");
        Console.WriteLine("| model                  | b1 tok/s | roofline |  of rl | b16 tok/s| b64 tok/s| TTFT1k ms| mem GiB| blocks  |");
        Console.WriteLine("|------------------------|----------|----------|--------|----------|----------|----------|--------|---------|");
        rows.ForEach(Console.WriteLine);
        return 0;
    }

    private static double TimeToFirstToken(IBackend backend)
    {
        var prompt = RandomTokens(PromptTokens, seed: 1);
        var table = Blocks(1, PromptTokens);
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
    private static double DecodeTokensPerSecond(IBackend backend, int sequences, int steps)
    {
        const int Context = 128;
        var tables = Enumerable.Range(0, sequences).Select(s => Blocks(1 + (s * 16), Context + steps + 1)).ToArray();
        var prompts = Enumerable.Range(0, sequences).Select(s => RandomTokens(Context, s)).ToArray();
        for (var first = 0; first < sequences; first += 8)
        {
            Forward(backend, Enumerable.Range(first, Math.Min(8, sequences - first)).Select(s => (prompts[s], 0, tables[s])).ToArray());
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
