using Parley.Engine.Reference;
using Parley.Engine.Reference.LlamaCpp;
using Parley.Engine.Models;
using Xunit.Abstractions;

namespace Parley.Engine.Tests.Reference.LlamaCpp;

public sealed class GgufWriterTests(ITestOutputHelper output) : IDisposable
{
    // Tiny models gain nothing from more threads, and test machines may have only two cores.
    private const int Threads = 2;
    private const int ContextSize = 64;

    private static readonly int[] PromptA = [257, 72, 101, 108, 108, 111, 258, 10, 200, 3, 77, 256];
    private static readonly int[] PromptB = [257, 33, 0, 255, 128, 64, 32];

    // 48 positions: RoPE angles, and the Llama 3 slowdown of low frequencies, grow with position.
    private static readonly int[] LongPrompt = Enumerable.Range(0, 48).Select(i => ((i * 37) + 11) % TinyModel.VocabSize).ToArray();

    private readonly string _folder = Directory.CreateTempSubdirectory("parley-gguf-").FullName;

    public static TheoryData<string, SafetensorsDtype, bool, bool> Models => new()
    {
        { "llama", SafetensorsDtype.BF16, false, false },
        { "llama", SafetensorsDtype.F16, true, true },
        { "llama", SafetensorsDtype.F32, false, true },
        { "mistral", SafetensorsDtype.F32, false, false },
        { "qwen2", SafetensorsDtype.BF16, true, false },
        { "qwen2", SafetensorsDtype.F32, false, false },
        { "qwen3", SafetensorsDtype.F16, false, false },
        { "qwen3", SafetensorsDtype.BF16, true, false },
    };

    private string Checkpoint => Path.Combine(_folder, "hf");
    private string Gguf => Path.Combine(_folder, "model.gguf");

    [Theory]
    [MemberData(nameof(Models))]
    public void Convert_EveryArchitectureAndDtype_RunsInLlamaCpp(string modelType, SafetensorsDtype dtype, bool tied, bool ropeScaling)
    {
        Write(new TinyModelSpec { ModelType = modelType, Dtype = dtype, TieWordEmbeddings = tied, Llama3RopeScaling = ropeScaling });

        using var model = LlamaCppModel.Load(Gguf, Threads, ContextSize);
        var a = model.LastLogits(PromptA);
        var b = model.LastLogits(PromptB);
        var greedy = model.Greedy(PromptB, 8);

        model.VocabSize.Should().Be(TinyModel.VocabSize);
        a.Should().HaveCount(TinyModel.VocabSize).And.OnlyContain(logit => float.IsFinite(logit));
        a.Distinct().Should().HaveCountGreaterThan(1);
        b.Should().NotEqual(a);
        greedy.Should().HaveCount(8).And.OnlyContain(id => id >= 0 && id < TinyModel.VocabSize);
        model.LastLogits(PromptA).Should().Equal(a, "each call starts from an empty KV cache");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Convert_OneLayer_LlamaCppLogitsMatchTheScalarReference(string modelType, SafetensorsDtype dtype, bool tied, bool ropeScaling)
    {
        Write(new TinyModelSpec { ModelType = modelType, Dtype = dtype, TieWordEmbeddings = tied, Llama3RopeScaling = ropeScaling, NumHiddenLayers = 1 });

        using var model = LlamaCppModel.Load(Gguf, Threads, ContextSize);
        var actual = model.LastLogits(LongPrompt);
        var expected = ScalarForward.LastLogits(Checkpoint, LongPrompt);

        var maxDiff = actual.Zip(expected, (x, y) => Math.Abs((double)x - y)).Max();
        var scale = expected.Max(logit => Math.Abs((double)logit));
        output.WriteLine($"{modelType} {dtype} tied={tied} llama3={ropeScaling}: maxdiff {maxDiff:E2}, max |logit| {scale:F3}");
        maxDiff.Should().BeLessThan(ToleranceFor(dtype) * scale, $"maxdiff {maxDiff:E2} at logit scale {scale:F3}");
    }

    [Theory]
    [InlineData(false, 4 + (2 * 9))]
    [InlineData(true, 3 + (2 * 9))]
    public void Convert_Header_IsGgufV3WithEveryTensorAligned(bool tied, int tensorCount)
    {
        Write(new TinyModelSpec { ModelType = "llama", Dtype = SafetensorsDtype.BF16, TieWordEmbeddings = tied, Llama3RopeScaling = true });

        var header = GgufHeader.Read(Gguf);

        header.Magic.Should().Be(0x46554747u, "\"GGUF\" as a little-endian uint32");
        header.Version.Should().Be(3u);
        header.Tensors.Should().HaveCount(tensorCount, "embedding, final norm, rope_freqs, output unless tied, and 9 per Llama layer");
        header.Tensors.Select(t => t.Name).Contains("output.weight").Should().Be(!tied);
        header.Tensors.Should().OnlyContain(t => t.Offset % 32 == 0, "tensor data starts on general.alignment (32)");
        var queries = header.Tensors.Single(t => t.Name == "blk.0.attn_q.weight");
        queries.Dimensions.Should().Equal(64, 64);
        queries.Type.Should().Be(GgmlType.BF16);
        header.Tensors.Single(t => t.Name == "blk.1.ffn_down.weight").Dimensions.Should().Equal([128, 64], "GGUF lists the row length first");
        header.Tensors.Single(t => t.Name == "blk.0.attn_norm.weight").Type.Should().Be(GgmlType.F32);
        header.Tensors.Single(t => t.Name == "rope_freqs.weight").Dimensions.Should().Equal(8);
        header.Metadata["general.architecture"].Should().Be("llama");
        header.Metadata["llama.attention.head_count_kv"].Should().Be(2u);
        ((List<object>)header.Metadata["tokenizer.ggml.tokens"]).Should().HaveCount(TinyModel.VocabSize).And.HaveElementAt(258, TinyModel.ImEnd);
        header.Metadata["tokenizer.ggml.eos_token_id"].Should().Be(258u);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // Relative to the largest |logit|. llama.cpp rounds the input of every matmul to the weight type (ggml's
    // vec_dot_type): bf16 keeps 8 significant bits (unit roundoff 2^-8), f16 11 (2^-11); f32 weights run in f32
    // throughout. Observed: at most 0.6 units for bf16, 0.7 for f16, 2e-7 for f32. 1.5 units leaves twice that, while a
    // missing Llama q/k permutation costs 5 bf16 units and a missing rope_freqs tensor 4 f16 units.
    private static double ToleranceFor(SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.BF16 => 1.5 * Math.Pow(2, -8),
        SafetensorsDtype.F16 => 1.5 * Math.Pow(2, -11),
        _ => 1e-5,
    };

    private void Write(TinyModelSpec spec)
    {
        TinyModel.Write(Checkpoint, spec, seed: 7);
        GgufWriter.Convert(Checkpoint, Gguf);
    }
}
