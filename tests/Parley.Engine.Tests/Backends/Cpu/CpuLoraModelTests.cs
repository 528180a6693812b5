using Parley.Engine.Backends;
using Parley.Engine.Lora;
using Parley.Engine.Models;
using Parley.Testing.Models;
using static Parley.Engine.Tests.Backends.BackendCalls;

namespace Parley.Engine.Tests.Backends.Cpu;

// Serving base + adapter must compute what the base with the adapter merged into its weights computes: the twin holds
// W + scale·B·A in float32 (LoraMergedTwin). The base's stored weights are exact in float32 and the CPU backend computes
// in float32 both ways, so only the order of float32 sums differs: 1e-4 of the largest |logit|, the tolerance of the
// scalar-reference tests. Each test also checks that the adapter moves the logits by far more than that.
public class CpuLoraModelTests
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string, string, string, int, bool, string[]> Adapters() => new()
    {
        { "llama", "BF16", "BF16", 8, false, ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"] },
        { "qwen2", "F16", "F16", 4, false, ["q_proj", "v_proj"] },
        { "qwen3", "F32", "F32", 16, true, ["o_proj", "down_proj", "up_proj"] },
        { "mistral", "BF16", "F32", 2, false, ["gate_proj", "k_proj"] },
    };

    [Theory]
    [MemberData(nameof(Adapters))]
    public void BaseWithAdapter_GivesTheLogitsOfTheMergedTwin(string modelType, string dtype, string adapterDtype, int rank, bool rsLora, string[] targets)
    {
        var spec = TinyCheckpoints.Shape(modelType, dtype);
        using var model = new TinyCheckpointFolder(spec);
        using var lora = new TinyLoraFolder(model.Path, new TinyLoraSpec
        {
            Rank = rank, UseRsLora = rsLora, TargetModules = targets, Dtype = Enum.Parse<SafetensorsDtype>(adapterDtype),
        });
        using var twin = new TinyCheckpointFolder(spec);
        LoraMergedTwin.Write(model.Path, lora, twin.Path);
        var prompt = RandomTokens(37, seed: 5);

        var (withAdapter, alone) = RunWithAndWithout(model, lora, prompt);
        using var merged = twin.Cpu();
        var expected = Run(merged, prompt, 0, Blocks(1, prompt.Length));

        var scale = expected.Max(v => Math.Abs((double)v));
        MaxAbsDifference(withAdapter, expected).Should().BeLessThan(Tolerance * scale);
        MaxAbsDifference(alone, expected).Should().BeGreaterThan(100 * Tolerance * scale, "an adapter that changes nothing proves nothing");
    }

    [Theory]
    [InlineData("BF16")]
    [InlineData("F16")]
    public void GptqBaseWithA16BitAdapter_GivesTheLogitsOfTheDequantisedMergedTwin(string adapterDtype)
    {
        var spec = TinyCheckpoints.Shape("llama", "F16") with { HiddenSize = 128, IntermediateSize = 256, Gptq = new TinyGptq(128, Symmetric: false) };
        using var model = new TinyCheckpointFolder(spec);
        using var lora = new TinyLoraFolder(model.Path, new TinyLoraSpec { Dtype = Enum.Parse<SafetensorsDtype>(adapterDtype) });
        using var twin = new TinyCheckpointFolder(spec);
        LoraMergedTwin.Write(model.Path, lora, twin.Path);
        var prompt = RandomTokens(23, seed: 6);

        var (withAdapter, alone) = RunWithAndWithout(model, lora, prompt);
        using var merged = twin.Cpu();
        var expected = Run(merged, prompt, 0, Blocks(1, prompt.Length));

        // The GPTQ model tests' bound: the packed product sums in another order than the dequantised one.
        MaxAbsDifference(withAdapter, expected).Should().BeLessThan(1e-3);
        MaxAbsDifference(alone, expected).Should().BeGreaterThan(1e-1);
    }

    [Fact]
    public void MixedBatchOfThreeAdaptersAndTheBase_EqualsEachRunAlone()
    {
        using var model = new TinyCheckpointFolder(TinyCheckpoints.Shape("qwen2", "BF16"));
        var config = ModelConfig.Load(model.Path);
        using var loraA = new TinyLoraFolder(model.Path, new TinyLoraSpec { Rank = 8 }, seed: 11);
        using var loraB = new TinyLoraFolder(model.Path, new TinyLoraSpec { Rank = 4, TargetModules = ["q_proj", "v_proj"] }, seed: 12);
        using var loraC = new TinyLoraFolder(model.Path, new TinyLoraSpec { Rank = 16, UseRsLora = true, TargetModules = ["o_proj", "down_proj"] }, seed: 13);
        LoraAdapter[] adapters = [LoraAdapter.Load("a", loraA.Path, config), LoraAdapter.Load("b", loraB.Path, config), LoraAdapter.Load("c", loraC.Path, config)];
        // Sequence i runs slot[i]: two of adapter a apart, so one adapter spans two segments; the base in between.
        int[] slots = [0, -1, 2, 1, 0];
        var prompts = slots.Select((_, i) => RandomTokens(5 + (7 * i), seed: 20 + i)).ToArray();

        var alone = new List<float[]>();
        using (var single = model.Cpu(maxLoras: 3))
        {
            for (var s = 0; s < 3; s++)
            {
                single.SetLoraAdapter(s, adapters[s]);
            }

            alone.AddRange(prompts.Select((prompt, i) => Run(single, prompt, 0, Blocks(1, prompt.Length), slots[i])));
        }

        using var mixed = model.Cpu(maxLoras: 3);
        for (var s = 0; s < 3; s++)
        {
            mixed.SetLoraAdapter(s, adapters[s]);
        }

        var together = RunTogether(mixed, prompts, slots);

        for (var i = 0; i < prompts.Length; i++)
        {
            MaxAbsDifference(together[i], alone[i]).Should().BeLessThan(1e-5 * alone[i].Max(v => Math.Abs((double)v)), $"sequence {i} (slot {slots[i]})");
        }

        MaxAbsDifference(alone[0], Run(mixed, prompts[0], 0, Blocks(40, prompts[0].Length))).Should().BeGreaterThan(1e-2, "slot 0's adapter must change sequence 0");
    }

    [Fact]
    public void ASlotWithoutAnAdapter_IsRefused()
    {
        using var model = new TinyCheckpointFolder(TinyCheckpoints.Shape("qwen2", "BF16"));
        using var backend = model.Cpu(maxLoras: 2);

        var run = () => Run(backend, [1, 2, 3], 0, [1], slot: 1);

        run.Should().Throw<ArgumentException>().WithMessage("*LoRA slot 1, which holds no adapter*");
    }

    [Fact]
    public void AnAdapterAboveTheBackendsRank_IsRefused()
    {
        using var model = new TinyCheckpointFolder(TinyCheckpoints.Shape("qwen2", "BF16"));
        using var lora = new TinyLoraFolder(model.Path, new TinyLoraSpec { Rank = 32 });
        using var backend = model.Cpu(maxLoras: 1);

        var set = () => backend.SetLoraAdapter(0, LoraAdapter.Load("big", lora.Path, backend.Config));

        set.Should().Throw<ArgumentException>().WithMessage("*rank 32*holds rank 16*");
    }

    private static (float[] WithAdapter, float[] Alone) RunWithAndWithout(TinyCheckpointFolder model, TinyLoraFolder lora, int[] prompt)
    {
        // float32 activations, as the merged twin's f32 weights get: the bf16 rounding of the native bf16 products
        // would be a difference between the two runs that has nothing to do with the adapter.
        using var backend = model.Cpu(maxLoras: 1, nativeBFloat16: false);
        backend.SetLoraAdapter(0, LoraAdapter.Load("adapter", lora.Path, backend.Config));
        return (Run(backend, prompt, 0, Blocks(1, prompt.Length), slot: 0), Run(backend, prompt, 0, Blocks(10, prompt.Length), slot: -1));
    }

    private static float[][] RunTogether(Parley.Engine.Backends.Cpu.CpuBackend backend, int[][] prompts, int[] slots)
    {
        var sequences = new List<BatchSequence>();
        var offset = 0;
        var block = 1;
        foreach (var (prompt, i) in prompts.Select((p, i) => (p, i)))
        {
            var table = Blocks(block, prompt.Length);
            block += table.Length;
            sequences.Add(new BatchSequence(offset, prompt.Length, 0, table, ReturnsLogits: true, slots[i]));
            offset += prompt.Length;
        }

        var vocabulary = backend.Config.VocabSize;
        var logits = new float[prompts.Length * vocabulary];
        backend.Forward(new ForwardBatch(sequences, prompts.SelectMany(p => p).ToArray()), logits);
        return Enumerable.Range(0, prompts.Length).Select(i => logits.AsSpan(i * vocabulary, vocabulary).ToArray()).ToArray();
    }
}
