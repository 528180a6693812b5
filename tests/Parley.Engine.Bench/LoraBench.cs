// What LoRA adapters cost in CPU decode: tokens/s of S sequences decoding together with no adapter, all with one
// adapter, and each with its own (S adapters mixed in one batch), rank --rank on all seven projections, beside a single
// sequence with and without an adapter. Each figure is the best of three runs; ratios are against no adapter.
//
//   dotnet run -c Release --project tests/Parley.Engine.Bench -- lora [--model qwen2-0.5b] [--dtype bf16] [--threads N]
//       [--prompt 64] [--decode 32] [--sequences 4] [--rank 16]
using System.Diagnostics;
using System.Globalization;
using Parley.Engine.Backends;
using Parley.Engine.Backends.Cpu;
using Parley.Engine.Lora;
using Parley.Engine.Models;
using Parley.Testing.Models;

namespace Parley.Engine.Bench;

internal static class LoraBench
{
    private const int Runs = 3;
    private const int BlockSize = Scheduling.BlockPool.BlockSize;

    public static int Run(string[] args)
    {
        var folder = BenchModels.Folder(Option(args, "--model", "qwen2-0.5b"), Option(args, "--dtype", "bf16") == "f16" ? SafetensorsDtype.F16 : SafetensorsDtype.BF16);
        var threads = Int(args, "--threads", Environment.ProcessorCount);
        var prompt = Int(args, "--prompt", 64) / BlockSize * BlockSize;
        var decode = Int(args, "--decode", 32);
        var sequences = Int(args, "--sequences", 4);
        var rank = Int(args, "--rank", 16);
        var config = ModelConfig.Load(folder);
        var loras = Enumerable.Range(0, sequences).Select(i => new TinyLoraFolder(folder, new TinyLoraSpec { Rank = rank }, seed: i)).ToList();
        try
        {
            var adapters = loras.Select((lora, i) => LoraAdapter.Load($"a{i}", lora.Path, config)).ToArray();
            Console.WriteLine($"{threads} threads, prompt {prompt}, decode {decode} tokens, rank {rank} on all seven projections, {Environment.ProcessorCount} cores");
            Console.WriteLine();
            Console.WriteLine("| sequences | adapters | generated tok/s | vs no adapter |");
            Console.WriteLine("|---|---|---|---|");
            foreach (var (count, label, slots) in new (int, string, Func<int, int>)[]
            {
                (1, "none", _ => -1), (1, "one", _ => 0),
                (sequences, "none", _ => -1), (sequences, "one for all", _ => 0), (sequences, $"{sequences} mixed", s => s),
            })
            {
                var rate = Enumerable.Range(0, Runs).Max(_ => Decode(folder, threads, prompt, decode, count, adapters, slots));
                var baseline = Enumerable.Range(0, Runs).Max(_ => Decode(folder, threads, prompt, decode, count, adapters, _ => -1));
                Console.WriteLine($"| {count} | {label} | {rate:0.00} | {rate / baseline:0.00} |");
            }

            return 0;
        }
        finally
        {
            loras.ForEach(lora => lora.Dispose());
        }
    }

    // Generated tokens per second over all sequences: a shared prompt prefilled once, then one token per sequence per pass.
    private static double Decode(string folder, int threads, int prompt, int decode, int sequences, LoraAdapter[] adapters, Func<int, int> slotOf)
    {
        var shared = prompt / BlockSize;
        var own = ((prompt + decode + 1 + BlockSize - 1) / BlockSize) - shared;
        using var backend = CpuBackend.Load(folder, new CpuBackendOptions
        {
            KvBlockCount = 1 + shared + (sequences * own), MaxBatchedTokens = Math.Max(prompt, sequences), MaxSequences = sequences,
            MaxModelLen = prompt + decode + 1, Threads = threads, MaxLoras = adapters.Length, MaxLoraRank = adapters.Max(a => a.Rank),
        });
        for (var slot = 0; slot < adapters.Length; slot++)
        {
            backend.SetLoraAdapter(slot, adapters[slot]);
        }

        var logits = new float[sequences * backend.Config.VocabSize];
        var promptTokens = ParleyMeasurement.Prompt(prompt);
        backend.Forward(new ForwardBatch([new BatchSequence(0, prompt, 0, Enumerable.Range(1, shared).ToArray(), true)], promptTokens), logits.AsSpan(0, backend.Config.VocabSize));
        var tables = Enumerable.Range(0, sequences).Select(s => Enumerable.Range(1, shared).Concat(Enumerable.Range(1 + shared + (s * own), own)).ToArray()).ToArray();
        var tokens = Enumerable.Range(0, sequences).Select(s => 300 + s).ToArray();
        var clock = new Stopwatch();
        for (var step = 0; step <= decode; step++)
        {
            if (step == 1)
            {
                clock.Start(); // step 0 is a warm-up
            }

            backend.Forward(new ForwardBatch(tables.Select((table, s) => new BatchSequence(s, 1, prompt + step, table, true, slotOf(s))).ToArray(), tokens), logits);
        }

        return sequences * decode / clock.Elapsed.TotalSeconds;
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }

    private static int Int(string[] args, string name, int fallback) => int.Parse(Option(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
}
