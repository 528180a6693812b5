using Parley.Engine.Backends;
using Parley.Engine.Backends.Cpu;
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Models;
using Parley.Testing.Models;
using static Parley.Engine.Tests.Backends.BackendCalls;

namespace Parley.Engine.Tests.Backends.Cpu;

// The forward pass must not depend on how a sequence's tokens are cut into steps or batched with others: the paged
// cache, positions and block tables are what make that true. Numeric agreement with an independent reference is in
// CpuBackendReferenceTests.
public class CpuBackendTests
{
    public static TheoryData<string, string, bool, bool> Shapes() => new()
    {
        { "llama", "BF16", false, true },
        { "mistral", "F16", false, false },
        { "qwen2", "BF16", true, false },
        { "qwen3", "F32", false, false },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void PrefillAtOnce_EqualsDecodingTokenByToken(string modelType, string dtype, bool tied, bool ropeScaling)
    {
        using var model = new TinyCheckpointFolder(TinyCheckpoints.Shape(modelType, dtype, tied, ropeScaling));
        using var backend = model.Cpu();
        var tokens = RandomTokens(37, seed: 3);

        var whole = Run(backend, tokens, 0, Blocks(1, tokens.Length));
        float[] last = [];
        for (var i = 0; i < tokens.Length; i++)
        {
            last = Run(backend, [tokens[i]], i, Blocks(10, tokens.Length));
        }

        MaxAbsDifference(whole, last).Should().BeLessThan(1e-4);
        whole.Should().OnlyContain(value => float.IsFinite(value));
        whole.Distinct().Should().HaveCountGreaterThan(100);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ChunkedPrefill_EqualsOnePass(string modelType, string dtype, bool tied, bool ropeScaling)
    {
        using var model = new TinyCheckpointFolder(TinyCheckpoints.Shape(modelType, dtype, tied, ropeScaling));
        using var backend = model.Cpu();
        var tokens = RandomTokens(50, seed: 4);

        var whole = Run(backend, tokens, 0, Blocks(1, 50));
        _ = Run(backend, tokens[..20], 0, Blocks(10, 50));
        var chunked = Run(backend, tokens[20..], 20, Blocks(10, 50));

        MaxAbsDifference(whole, chunked).Should().BeLessThan(1e-4);
    }

    // Weights in the worker's own memory are rearranged into panels (CpuLinear.Dense), weights mapped from the files
    // are read row by row in place: the same logits to float32 summation order, prefill (token tiles) and decode
    // (one token) alike, the tied embedding read back from the panels, and the files left as they were. Relative to
    // the largest logit: 1e-4 for f16; for bf16, whose products round their activations to bf16, half a bf16 rounding
    // unit, since an activation a float32 ulp from a bf16 tie can round the other way in the other summation order
    // (as CpuBackendReferenceTests explains).
    [Theory]
    [InlineData("llama", "F16", true)]
    [InlineData("mistral", "F16", false)]
    [InlineData("qwen2", "BF16", true)]
    [InlineData("llama", "BF16", false)]
    public void WeightsInPanels_GiveTheLogitsOfWeightsReadInPlace(string modelType, string dtype, bool tied)
    {
        using var model = new TinyCheckpointFolder(TinyCheckpoints.Shape(modelType, dtype, tied));
        var files = Directory.GetFiles(model.Path).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        using var panels = model.Cpu();
        using var mapped = model.Cpu(weightStorage: WeightStorage.Mapped);
        var tokens = RandomTokens(37, seed: 5);

        var prefill = Run(panels, tokens, 0, Blocks(1, 38));
        var tolerance = (dtype == "BF16" ? Math.Pow(2, -9) : 1e-4) * prefill.Max(value => Math.Abs((double)value));
        MaxAbsDifference(prefill, Run(mapped, tokens, 0, Blocks(1, 38))).Should().BeLessThan(tolerance);
        var decode = Run(panels, [tokens[0]], 37, Blocks(1, 38));
        MaxAbsDifference(decode, Run(mapped, [tokens[0]], 37, Blocks(1, 38))).Should().BeLessThan(tolerance);
        prefill.Distinct().Should().HaveCountGreaterThan(100);
        Directory.GetFiles(model.Path).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).Should().BeEquivalentTo(files, options => options.WithStrictOrdering(),
            "rearranging the weights happens in the worker's copy, never in the checkpoint files");
    }

    [Fact]
    public void Kernels_NameTheNativeProductsInUse_OrWhyNot()
    {
        using var model = new TinyCheckpointFolder(TinyCheckpoints.Shape("qwen2", "BF16"));
        using var native = model.Cpu();
        using var dot = model.Cpu(bFloat16Kernel: BFloat16Kernel.DotProduct);
        using var widened = model.Cpu(bFloat16Kernel: BFloat16Kernel.Widened);
        using var managed = model.Cpu(nativeBFloat16: false);

        using var mapped = model.Cpu(bFloat16Kernel: BFloat16Kernel.Widened, weightStorage: WeightStorage.Mapped);
        var inPanels = WeightPanels.IsAvailable ? ", weights in panels of 16 rows" : "";

        dot.Kernels.Should().StartWith(BFloat16Dot.IsAvailable ? "bf16 native (VDPBF16PS), activations rounded to bf16;" : $"bf16 managed ({BFloat16Dot.Status});");
        widened.Kernels.Should().StartWith(BFloat16WidenedDot.IsAvailable ? $"bf16 native (widened to float32, as configured{inPanels}), activations rounded to bf16;" : $"bf16 managed ({BFloat16WidenedDot.Status});");
        mapped.Kernels.Should().StartWith(BFloat16WidenedDot.IsAvailable ? "bf16 native (widened to float32, as configured), activations rounded to bf16;" : $"bf16 managed ({BFloat16WidenedDot.Status});",
            "weights mapped from the files are read row by row in place");
        mapped.Kernels.Should().Contain(Float16Dot.IsAvailable ? "; f16 native;" : $"; f16 managed ({Float16Dot.Status});");
        native.Kernels.Should().StartWith(
            BFloat16Dot.IsAvailable && BFloat16Dot.Speedup > 1 ? "bf16 native (VDPBF16PS)"
            : BFloat16Dot.IsAvailable ? $"bf16 native (widened to float32, VDPBF16PS runs at {BFloat16Dot.Speedup:0.00}x the float32 multiply-add rate here{inPanels})"
            : BFloat16WidenedDot.IsAvailable ? $"bf16 native (widened to float32, VDPBF16PS unavailable: {BFloat16Dot.Status}{inPanels})"
            : $"bf16 managed ({BFloat16WidenedDot.Status})", "Auto takes VDPBF16PS only where it outruns float32 multiply-adds");
        native.Kernels.Should().Contain(Float16Dot.IsAvailable ? $"; f16 native{inPanels};" : $"; f16 managed ({Float16Dot.Status});");
        managed.Kernels.Should().StartWith("bf16 managed (native bf16 turned off);");
    }

    [Fact]
    public void SequencesInOneBatch_GetTheLogitsEachGetsAlone()
    {
        using var model = new TinyCheckpointFolder(TinyCheckpoints.Shape("qwen2", "BF16"));
        using var backend = model.Cpu();
        int[] first = RandomTokens(21, seed: 5), second = RandomTokens(5, seed: 6);
        var alone1 = Run(backend, first, 0, Blocks(1, 21));
        var alone2 = Run(backend, second, 0, Blocks(3, 5));

        // A decode token of one sequence and a prefill of another in one step; the middle one returns no logits.
        var third = RandomTokens(9, seed: 7);
        var batch = new ForwardBatch(
            [
                new BatchSequence(0, 21, 0, Blocks(4, 21), ReturnsLogits: true),
                new BatchSequence(21, 9, 0, Blocks(6, 9), ReturnsLogits: false),
                new BatchSequence(30, 5, 0, Blocks(7, 5), ReturnsLogits: true),
            ],
            [.. first, .. third, .. second]);
        var logits = new float[2 * backend.Config.VocabSize];
        backend.Forward(batch, logits);

        MaxAbsDifference(alone1, logits[..259]).Should().BeLessThan(1e-5);
        MaxAbsDifference(alone2, logits[259..]).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void SharedPrefixBlocks_GiveTheLogitsOfRecomputingThePrefix()
    {
        using var model = new TinyCheckpointFolder(TinyCheckpoints.Shape("llama", "BF16"));
        using var backend = model.Cpu();
        var prompt = RandomTokens(40, seed: 8);
        _ = Run(backend, prompt[..32], 0, [1, 2]);

        // Blocks 1 and 2 hold the first 32 tokens; a second sequence reuses them and computes only the rest.
        var reused = Run(backend, prompt[32..], 32, [1, 2, 9]);
        var recomputed = Run(backend, prompt, 0, [11, 12, 13]);

        MaxAbsDifference(reused, recomputed).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void OneThreadAndTwo_GiveIdenticalLogits()
    {
        using var model = new TinyCheckpointFolder(TinyCheckpoints.Shape("qwen3", "BF16"));
        var tokens = RandomTokens(30, seed: 9);
        using var one = model.Cpu(threads: 1);
        using var two = model.Cpu(threads: 2);

        Run(one, tokens, 0, Blocks(1, 30)).Should().Equal(Run(two, tokens, 0, Blocks(1, 30)));
    }

    [Fact]
    public void F16WeightHoldingNaN_IsRefusedAtLoadByName()
    {
        using var model = new TinyCheckpointFolder(TinyCheckpoints.Shape("llama", "F16"));
        var file = Path.Combine(model.Path, Parley.Engine.Models.Checkpoint.SingleFile);
        long offset;
        using (var checkpoint = Parley.Engine.Models.Checkpoint.Open(model.Path))
        {
            var info = checkpoint.Info("model.layers.1.mlp.up_proj.weight");
            offset = 8 + System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(File.ReadAllBytes(file).AsSpan(0, 8)) + info.Begin + 2 * 37;
        }

        using (var stream = File.OpenWrite(file))
        {
            stream.Position = offset;
            stream.Write(BitConverter.GetBytes((ushort)0x7E00)); // a NaN half
        }

        var load = () => model.Cpu();

        load.Should().Throw<InvalidDataException>().WithMessage("*model.layers.1.mlp.up_proj.weight*inf or NaN*");
    }

    [Fact]
    public void Forward_BatchLargerThanTheBuffers_IsRefusedWithTheLimits()
    {
        using var model = new TinyCheckpointFolder(TinyCheckpoints.Shape("qwen2", "BF16"));
        using var backend = model.Cpu(maxBatchedTokens: 16);

        var act = () => Run(backend, RandomTokens(17, seed: 1), 0, Blocks(1, 17));

        act.Should().Throw<ArgumentException>().WithMessage("*17 tokens*16*");
    }
}
