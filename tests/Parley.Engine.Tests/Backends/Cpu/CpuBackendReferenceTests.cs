using Parley.Engine.Backends.Cpu;
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Models;
using Parley.Engine.Reference;
using Parley.Engine.Reference.LlamaCpp;
using Parley.Testing.Models;
using static Parley.Engine.Tests.Backends.BackendCalls;

namespace Parley.Engine.Tests.Backends.Cpu;

// Parley's forward pass against two independent references on the same weights: a scalar double-precision model
// written from the transformers code, and llama.cpp reading the weights converted to GGUF.
//
// Tolerances, relative to the largest |logit|:
// - scalar reference: 1e-4. Parley keeps weights exactly as stored and computes in float32, so only float32
//   accumulation order differs from double precision. Each model also runs with float32 activations alone.
// - scalar reference, bf16 weights on a CPU with AVX-512: half a bf16 rounding unit (2^-9), with either native bf16
//   kernel. There every product rounds its activations to bf16 (BFloat16Dot, BFloat16WidenedDot, the bf16 panels), and so does the reference, which leaves float32 order (measured:
//   3e-8 on the llama and qwen2 models) except where a float32 activation lies within a float32 ulp of a bf16 tie
//   and rounds the other way from the double-precision one: about one activation in 2^16, moving the logits by a
//   fraction of a unit (measured: 0.23 units on the qwen3 model; against the unrounded reference these models are off
//   by 0.4-0.8 units). BFloat16DotTests check the rounding and the tiles themselves to float32 order.
// - llama.cpp: 1.5 rounding units of the weight type (bf16 2^-8, f16 2^-11; 1e-5 for f32), because llama.cpp rounds
//   each matrix product's activations to the weight type and Parley does not. Breaking the llama q/k permutation
//   or the llama3 frequencies moves the logits by 4 or more units, so this still catches real mistakes.
// - greedy tokens: compared on f32 weights, where both engines compute the same function to ~1e-7; with bf16 the
//   activation rounding alone can flip a near-tie between two random logits, which says nothing about correctness.
public sealed class CpuBackendReferenceTests : IDisposable
{
    private const int GreedyTokens = 32;
    private readonly string _gguf = Path.Combine(Path.GetTempPath(), $"parley-ref-{Guid.NewGuid():N}.gguf");

    public static TheoryData<string, string, bool, bool> Models() => new()
    {
        { "llama", "BF16", false, false },
        { "llama", "F16", true, true },
        { "llama", "F32", false, true },
        { "mistral", "F16", false, false },
        { "qwen2", "BF16", true, false },
        { "qwen2", "F32", false, false },
        { "qwen3", "BF16", false, false },
        { "qwen3", "F32", true, false },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void LastPositionLogits_MatchTheScalarReference(string modelType, string dtype, bool tied, bool ropeScaling)
    {
        using var model = new TinyCheckpointFolder(TinyCheckpoints.Shape(modelType, dtype, tied, ropeScaling));
        var prompt = RandomTokens(48, seed: 11);
        foreach (var (native, kernel) in new[] { (true, BFloat16Kernel.DotProduct), (true, BFloat16Kernel.Widened), (false, BFloat16Kernel.Auto) })
        {
            using var backend = model.Cpu(nativeBFloat16: native, bFloat16Kernel: kernel);

            var ours = Run(backend, prompt, 0, Blocks(1, prompt.Length));
            var available = kernel == BFloat16Kernel.DotProduct ? BFloat16Dot.IsAvailable : BFloat16WidenedDot.IsAvailable;
            var rounded = native && available && model.Spec.Dtype == SafetensorsDtype.BF16;
            var reference = ScalarForward.LastLogits(model.Path, prompt, roundBFloat16Activations: rounded);

            MaxAbsDifference(ours, reference).Should().BeLessThan((rounded ? Math.Pow(2, -9) : 1e-4) * Scale(reference), $"native bf16 products {(native ? kernel : "off")}");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void LastPositionLogits_MatchLlamaCpp(string modelType, string dtype, bool tied, bool ropeScaling)
    {
        using var model = new TinyCheckpointFolder(TinyCheckpoints.Shape(modelType, dtype, tied, ropeScaling));
        GgufWriter.Convert(model.Path, _gguf);
        var prompt = RandomTokens(48, seed: 12);
        using var llama = LlamaCppModel.Load(_gguf, threads: 2, contextSize: 64);
        using var backend = model.Cpu();

        var ours = Run(backend, prompt, 0, Blocks(1, prompt.Length));
        var theirs = llama.LastLogits(prompt);

        MaxAbsDifference(ours, theirs).Should().BeLessThan(Tolerance(model.Spec.Dtype) * Scale(theirs));
    }

    [Theory]
    [InlineData("llama", true)]
    [InlineData("mistral", false)]
    [InlineData("qwen2", false)]
    [InlineData("qwen3", false)]
    public void Greedy32Tokens_AreLlamaCpps(string modelType, bool ropeScaling)
    {
        using var model = new TinyCheckpointFolder(TinyCheckpoints.Shape(modelType, "F32", ropeScaling: ropeScaling));
        GgufWriter.Convert(model.Path, _gguf);
        var prompt = RandomTokens(16, seed: 13);
        using var llama = LlamaCppModel.Load(_gguf, threads: 2, contextSize: 64);
        using var backend = model.Cpu();

        var ours = new List<int>();
        var table = Blocks(1, prompt.Length + GreedyTokens);
        var logits = Run(backend, prompt, 0, table);
        for (var i = 0; i < GreedyTokens; i++)
        {
            ours.Add(Array.IndexOf(logits, logits.Max()));
            logits = Run(backend, [ours[^1]], prompt.Length + i, table);
        }

        ours.Should().Equal(llama.Greedy(prompt, GreedyTokens));
        ours.Distinct().Should().HaveCountGreaterThan(1, "a constant sequence would prove little");
    }

    public void Dispose() => File.Delete(_gguf);

    private static double Scale(float[] logits) => logits.Max(value => Math.Abs((double)value));

    private static double Tolerance(SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.BF16 => 1.5 * Math.Pow(2, -8),
        SafetensorsDtype.F16 => 1.5 * Math.Pow(2, -11),
        _ => 1e-5,
    };
}
