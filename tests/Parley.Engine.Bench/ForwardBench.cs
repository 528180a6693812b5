// Forward-pass throughput, Parley's CPU backend beside llama.cpp on the same random weights (safetensors for Parley,
// the same tensors converted to GGUF for llama.cpp), the same thread count and the same prompt:
//   prefill: one prompt of --prompt tokens in one pass;  decode: --decode single-token passes after it.
// llama.cpp runs with its defaults (flash attention, f16 KV cache). Then Parley's batched decode: 1, 4 and 16
// sequences sharing the prompt's KV blocks, one token each per pass, with the scaling from 1 to 16 sequences (the
// weights are read once per pass for all of them, so it would be 16x if the products cost nothing but that read).
// Every figure is the best of three runs (batched decode too, since its 1-sequence rate is the ratio's divisor); the
// run's own length is printed at the end.
//
//   dotnet run -c Release --project tests/Parley.Engine.Bench -- forward [--models qwen2-0.5b,llama-3.2-1b]
//       [--dtypes bf16,f16] [--threads N] [--prompt 128] [--decode 32] [--sequences 1,4,16] [--batched-only]
//       [--bf16-kernel auto|dot|widened|managed] [--weights huge-pages|mapped] [--product-times]
// --batched-only skips prefill, single decode and llama.cpp (for profiling a batch size); --bf16-kernel forces the
// native bf16 kernel (CpuBackendOptions.BFloat16Kernel), or the managed kernels with float32 activations
// (CpuBackendOptions.NativeBFloat16 = false, what CPUs without AVX-512 run), for an A/B on one machine; --weights
// mapped reads the weights in place from the memory-mapped files (CpuBackendOptions.WeightStorage) instead of from
// huge-page memory; --product-times times every matrix product of batched decode (CpuBackendOptions.TimeProducts)
// and prints, per batch size, where the best pass's steps went.
using System.Globalization;
using Parley.Engine.Backends.Cpu;
using Parley.Engine.Models;
using Parley.Engine.Reference.LlamaCpp;

namespace Parley.Engine.Bench;

internal static class ForwardBench
{
    // Shared 2-core machines are noisy: each compared figure is the best of three runs, for both engines alike.
    private const int Runs = 3;

    public static int Run(string[] args)
    {
        var models = Option(args, "--models", "qwen2-0.5b,llama-3.2-1b").Split(',');
        var dtypes = Option(args, "--dtypes", "bf16,f16").Split(',').Select(ParseDtype).ToArray();
        var threads = int.Parse(Option(args, "--threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var prompt = int.Parse(Option(args, "--prompt", "128"), CultureInfo.InvariantCulture) / 16 * 16;
        var decode = int.Parse(Option(args, "--decode", "32"), CultureInfo.InvariantCulture);
        var batchSizes = Option(args, "--sequences", "1,4,16").Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
        var batchedOnly = args.Contains("--batched-only");
        BFloat16Kernel? kernel = Option(args, "--bf16-kernel", "auto") switch
        {
            "auto" => BFloat16Kernel.Auto,
            "dot" => BFloat16Kernel.DotProduct,
            "widened" => BFloat16Kernel.Widened,
            "managed" => null,
            var other => throw new ArgumentException($"Unknown --bf16-kernel '{other}'; use auto, dot, widened or managed."),
        };
        var weights = Option(args, "--weights", "huge-pages") switch
        {
            "huge-pages" => WeightStorage.HugePages,
            "mapped" => WeightStorage.Mapped,
            var other => throw new ArgumentException($"Unknown --weights '{other}'; use huge-pages or mapped."),
        };
        var settings = new ParleySettings(kernel, weights, TimeProducts: args.Contains("--product-times"));
        Console.WriteLine($"{threads} threads, prompt {prompt} tokens, decode {decode} tokens, {Environment.ProcessorCount} cores, bf16 kernel {kernel?.ToString() ?? "managed"}, weights {weights}");
        if (!batchedOnly)
        {
            Console.WriteLine();
            Console.WriteLine("| model | dtype | prefill tok/s Parley | llama.cpp | ratio | decode tok/s Parley | llama.cpp | ratio |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
        }

        var batched = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var model in models)
        {
            foreach (var dtype in dtypes)
            {
                var folder = BenchModels.Folder(model, dtype);
                if (!batchedOnly)
                {
                    CompareWithLlamaCpp(model, dtype, folder, threads, prompt, decode, settings);
                }

                var best = batchSizes.Select(sequences => Enumerable.Range(0, Runs)
                    .Select(_ => ParleyMeasurement.BatchedDecode(folder, threads, prompt, decode, sequences, settings)).MaxBy(rate => rate.TokensPerSecond)!).ToList();
                var rates = best.Select(rate => rate.TokensPerSecond).ToList();
                batched.Add($"| {model} | {dtype.Name().ToLowerInvariant()} | {string.Join(" | ", rates.Select(rate => rate.ToString("0.00", CultureInfo.InvariantCulture)))} | " +
                    $"{rates[^1] / rates[0]:0.0}x |");
                for (var i = 0; i < batchSizes.Length && settings.TimeProducts; i++)
                {
                    PrintProductTimes($"{model} {dtype.Name().ToLowerInvariant()}", batchSizes[i], best[i]);
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Parley batched decode, generated tok/s over all sequences ({string.Join(", ", batchSizes)} sequences):");
        Console.WriteLine($"| model | dtype | {string.Join(" | ", batchSizes.Select(s => $"{s} seq"))} | {batchSizes[^1]} vs {batchSizes[0]} |");
        Console.WriteLine($"|---|---|{string.Concat(batchSizes.Select(_ => "---|"))}---|");
        batched.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine($"This run took {clock.Elapsed.TotalMinutes:0.0} minutes.");
        return 0;
    }

    // Where a step's time went: each product shape's share, and the rest (attention, norms, rotations, the rounding of
    // activations, the gang's waits) as what the products leave of the step.
    private static void PrintProductTimes(string model, int sequences, BatchedRate rate)
    {
        var stepMs = 1000.0 * sequences / rate.TokensPerSecond;
        var decodeProducts = rate.Products.Where(product => product.Tokens == sequences).ToList();
        var productMs = decodeProducts.Sum(product => product.Elapsed.TotalMilliseconds) / rate.Steps;
        Console.WriteLine();
        Console.WriteLine($"{model}, {sequences} sequences: {stepMs:0.00} ms a step, of which the matrix products {productMs:0.00} ms (the best pass):");
        Console.WriteLine("| in x out | calls a step | ms a call | GFLOP/s | ms a step |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var product in decodeProducts)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {product.InFeatures} x {product.OutFeatures} | {(double)product.Calls / rate.Steps:0.#} | {product.MillisecondsPerCall:0.000} | {product.GigaflopsPerSecond:0.0} | {product.Elapsed.TotalMilliseconds / rate.Steps:0.00} |"));
        }
    }

    private static void CompareWithLlamaCpp(string model, SafetensorsDtype dtype, string folder, int threads, int prompt, int decode, ParleySettings settings)
    {
        var parley = Best(Enumerable.Range(0, Runs).Select(_ => ParleyMeasurement.Single(folder, threads, prompt, decode, settings)));
        var llama = Best(Enumerable.Range(0, Runs).Select(_ => LlamaCpp(folder, threads, prompt, decode)));
        Console.WriteLine($"| {model} | {dtype.Name().ToLowerInvariant()} | {parley.PrefillTokensPerSecond:0.0} | {llama.PrefillTokensPerSecond:0.0} | " +
            $"{parley.PrefillTokensPerSecond / llama.PrefillTokensPerSecond:0.00} | {parley.DecodeTokensPerSecond:0.00} | {llama.DecodeTokensPerSecond:0.00} | " +
            $"{parley.DecodeTokensPerSecond / llama.DecodeTokensPerSecond:0.00} |");
    }

    private static Throughput Best(IEnumerable<Throughput> runs)
    {
        var all = runs.ToList();
        return new Throughput(all.Max(run => run.PrefillTokensPerSecond), all.Max(run => run.DecodeTokensPerSecond));
    }

    private static Throughput LlamaCpp(string folder, int threads, int prompt, int decode)
    {
        var gguf = folder + ".gguf";
        if (!File.Exists(gguf))
        {
            GgufWriter.Convert(folder, gguf);
        }

        using var model = LlamaCppModel.Load(gguf, threads, prompt + decode + 1, useLlamaCppDefaults: true);
        var (prefill, decodeRate) = model.Measure(prompt, decode);
        return new Throughput(prefill, decodeRate);
    }

    private static SafetensorsDtype ParseDtype(string name) => name switch
    {
        "bf16" => SafetensorsDtype.BF16,
        "f16" => SafetensorsDtype.F16,
        "f32" => SafetensorsDtype.F32,
        _ => throw new ArgumentException($"Unknown dtype '{name}'; use bf16, f16 or f32."),
    };

    private static string Option(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }
}
