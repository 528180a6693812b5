// The CUDA backend against the CPU backend (the reference) on the same tiny random checkpoints.
//
// Tolerances, max |difference| relative to the largest |logit|:
// - f32 checkpoints: 1e-4. Both compute in float32 (cuBLAS's COMPUTE_32F does not use TF32); only summation order differs.
// - f16 and GPTQ (f16 activations): 2^-8; bf16: 2^-6. The GPU rounds activations to the weight type before each GEMM
//   and keeps the KV cache in it; the CPU rounds only bf16 products' activations, and only on a CPU with AVX-512 BF16
//   (BFloat16Dot), and keeps its KV cache in float32; llama.cpp, which rounds the same way, lands within 1.5 units
//   (2^-8 for bf16) on the CPU reference tests, and these bounds leave room for two such roundings per layer.
// - greedy tokens: identical over 16 steps on f32 checkpoints, where both compute the same function to ~1e-6; on 16-bit
//   ones rounding alone may flip a near-tie between two random logits, which says nothing about correctness.
using Parley.Engine.Models;
using Parley.Testing.Models;
using static Parley.Gpu.Tests.Calls;

namespace Parley.Gpu.Tests;

internal static class ParityChecks
{
    private static readonly (string Name, TinyModelSpec Spec)[] Models =
    [
        ("llama bf16", new() { ModelType = "llama", Dtype = SafetensorsDtype.BF16 }),
        ("llama f16 tied llama3-rope", new() { ModelType = "llama", Dtype = SafetensorsDtype.F16, TieWordEmbeddings = true, Llama3RopeScaling = true }),
        ("llama f32 llama3-rope", new() { ModelType = "llama", Dtype = SafetensorsDtype.F32, Llama3RopeScaling = true }),
        ("mistral f16", new() { ModelType = "mistral", Dtype = SafetensorsDtype.F16 }),
        ("qwen2 bf16 tied", new() { ModelType = "qwen2", Dtype = SafetensorsDtype.BF16, TieWordEmbeddings = true }),
        ("qwen2 f32", new() { ModelType = "qwen2", Dtype = SafetensorsDtype.F32 }),
        ("qwen3 bf16", new() { ModelType = "qwen3", Dtype = SafetensorsDtype.BF16 }),
        ("qwen3 f32 tied", new() { ModelType = "qwen3", Dtype = SafetensorsDtype.F32, TieWordEmbeddings = true }),
        ("llama gptq g128", new() { ModelType = "llama", HiddenSize = 256, IntermediateSize = 512, Gptq = new TinyGptq(128) }),
        ("qwen2 gptq act-order", new() { ModelType = "qwen2", HiddenSize = 256, IntermediateSize = 512, Gptq = new TinyGptq(128, ActOrder: true) }),
        ("qwen3 gptq per-column", new() { ModelType = "qwen3", Gptq = new TinyGptq(-1) }),
    ];

    /// <summary>Every (model, check) pair, in the order <see cref="Run()"/> reports them.</summary>
    public static IEnumerable<(string Model, string Check)> Cases() =>
        Models.SelectMany(model => Checks(model.Spec).Select(check => (model.Name, check.Name)));

    /// <summary>Runs one check on a fresh copy of one model; null when it passes, otherwise what differed.</summary>
    public static string? Run(string modelName, string checkName)
    {
        var spec = Models.Single(model => model.Name == modelName).Spec;
        using var model = new TinyCheckpointFolder(spec);
        return Checks(spec).Single(check => check.Name == checkName).Run(model, Tolerance(spec));
    }

    /// <summary>The models' names, as <c>parity --model</c> takes them.</summary>
    public static IEnumerable<string> ModelNames => Models.Select(model => model.Name);

    /// <param name="quick">Only the first check (prefill) of each model.</param>
    /// <param name="models">Only these models (every model when empty).</param>
    public static int Run(bool quick = false, IReadOnlyCollection<string>? models = null)
    {
        var results = new List<(string Check, bool Passed, string Detail)>();
        var cases = Cases().Where(c => models is not { Count: > 0 } || models.Contains(c.Model));
        foreach (var (name, check) in quick ? cases.DistinctBy(c => c.Model) : cases)
        {
            try
            {
                var detail = Run(name, check);
                results.Add(($"{name}: {check}", detail is null, detail ?? ""));
            }
            catch (Exception exception) when (exception is not Parley.Engine.Backends.Cuda.Driver.CudaUnavailableException)
            {
                results.Add(($"{name}: {check}", false, exception.Message));
            }

            // Each line as soon as it is known: a run cut off by its time limit still reports what it reached.
            var (line, passed, shown) = results[^1];
            Console.WriteLine($"{(passed ? "PASS" : "FAIL")}  {line}{(passed ? "" : "  " + shown)}");
        }

        var failed = results.Count(result => !result.Passed);
        Console.WriteLine($"{results.Count - failed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private static double Tolerance(TinyModelSpec spec) =>
        spec.Gptq is not null || spec.Dtype == SafetensorsDtype.F16 ? 1.0 / 256 : spec.Dtype == SafetensorsDtype.BF16 ? 1.0 / 64 : 1e-4;

    private static IEnumerable<(string Name, Func<TinyCheckpointFolder, double, string?> Run)> Checks(TinyModelSpec spec)
    {
        yield return ("prefill logits match the CPU", Prefill);
        yield return ("chunked prefill over cached blocks matches the CPU", Chunked);
        yield return ("mixed batch (prefill + decodes) matches the CPU", Mixed);
        yield return ("graph decode equals eager decode", (model, _) => GraphEqualsEager(model));
        if (spec.Dtype == SafetensorsDtype.F32 && spec.Gptq is null)
        {
            yield return ("16 greedy tokens equal the CPU's", (model, _) => Greedy(model));
        }
    }

    private static string? Prefill(TinyCheckpointFolder model, double tolerance)
    {
        var prompt = RandomTokens(48, seed: 11);
        using var cpu = model.Cpu();
        using var cuda = model.Cuda();
        return Within(Forward(cuda, (prompt, 0, Blocks(1, 48))), Forward(cpu, (prompt, 0, Blocks(1, 48))), tolerance);
    }

    // 40 tokens then 17 more on the same blocks: the second chunk reads the first one's KV from the cache.
    private static string? Chunked(TinyCheckpointFolder model, double tolerance)
    {
        var prompt = RandomTokens(57, seed: 12);
        var blocks = Blocks(3, 57);
        using var cpu = model.Cpu();
        using var cuda = model.Cuda();
        Forward(cpu, (prompt[..40], 0, blocks));
        Forward(cuda, (prompt[..40], 0, blocks));
        return Within(Forward(cuda, (prompt[40..], 40, blocks)), Forward(cpu, (prompt[40..], 40, blocks)), tolerance);
    }

    private static string? Mixed(TinyCheckpointFolder model, double tolerance)
    {
        var a = RandomTokens(20, seed: 13);
        var b = RandomTokens(33, seed: 14);
        using var cpu = model.Cpu();
        using var cuda = model.Cuda();
        foreach (var backend in new Parley.Engine.Backends.IBackend[] { cpu, cuda })
        {
            Forward(backend, (a, 0, Blocks(1, 24)));
        }

        (int[], int, int[])[] step = [(b, 0, Blocks(10, 33)), ([7], 20, Blocks(1, 24))];
        return Within(Forward(cuda, step), Forward(cpu, step), tolerance);
    }

    // Three sequences decoding in the 4-bucket graph, against the same steps run eagerly.
    private static string? GraphEqualsEager(TinyCheckpointFolder model)
    {
        using var graphs = model.Cuda(graphs: true);
        using var eager = model.Cuda(graphs: false);
        var prompts = new[] { RandomTokens(5, 21), RandomTokens(17, 22), RandomTokens(30, 23) };
        var tables = new[] { Blocks(1, 64), Blocks(5, 64), Blocks(9, 64) };
        foreach (var backend in new[] { graphs, eager })
        {
            Forward(backend, prompts.Select((p, i) => (p, 0, tables[i])).ToArray());
        }

        string? problem = null;
        for (var step = 0; step < 4 && problem is null; step++)
        {
            var decode = prompts.Select((p, i) => (new[] { (step * 31 + i) % 259 }, p.Length + step, tables[i])).ToArray();
            problem = Within(Forward(graphs, decode), Forward(eager, decode), 1e-6);
        }

        return problem;
    }

    private static string? Greedy(TinyCheckpointFolder model)
    {
        var prompt = RandomTokens(16, seed: 15);
        var table = Blocks(1, 64);
        using var cpu = model.Cpu();
        using var cuda = model.Cuda();
        var ours = new List<int>();
        var theirs = new List<int>();
        int nextOurs = ArgMax(Forward(cuda, (prompt, 0, table))), nextTheirs = ArgMax(Forward(cpu, (prompt, 0, table)));
        for (var i = 0; i < 16; i++)
        {
            ours.Add(nextOurs);
            theirs.Add(nextTheirs);
            nextOurs = ArgMax(Forward(cuda, ([nextOurs], prompt.Length + i, table)));
            nextTheirs = ArgMax(Forward(cpu, ([nextTheirs], prompt.Length + i, table)));
        }

        return ours.SequenceEqual(theirs) ? null : $"CUDA [{string.Join(' ', ours)}] vs CPU [{string.Join(' ', theirs)}]";
    }

    private static string? Within(float[] ours, float[] reference, double tolerance)
    {
        var (relative, index) = Compare(ours, reference);
        return relative <= tolerance
            ? null
            : $"maxdiff {relative:E2} of max |logit| > {tolerance:E2} at {index}: CUDA {ours[index]} vs CPU {reference[index]}; first values CUDA [{string.Join(", ", ours.Take(4))}] CPU [{string.Join(", ", reference.Take(4))}]";
    }
}
