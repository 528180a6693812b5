using System.Runtime.InteropServices;
using Parley.Engine.Models;
using Parley.Engine.Tests.Backends;
using Parley.Testing.Models;

namespace Parley.Engine.Tests.Models;

public sealed class RandomBitWeightsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("parley-random-bits-").FullName;

    public static TheoryData<TinyModelSpec> Shapes() =>
    [
        new TinyModelSpec { ModelType = "qwen2", Dtype = SafetensorsDtype.BF16, TieWordEmbeddings = true },
        new TinyModelSpec { ModelType = "qwen3", Dtype = SafetensorsDtype.F32 },
        new TinyModelSpec { ModelType = "mistral", Dtype = SafetensorsDtype.F16 },
        new TinyModelSpec { ModelType = "llama", HiddenSize = 256, IntermediateSize = 512, Gptq = new TinyGptq(128, Symmetric: false, ActOrder: true) },
        new TinyModelSpec { ModelType = "qwen2", Gptq = new TinyGptq(-1) },
    ];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RandomBits_WritesTheTensorsTheReferenceFillWrites(TinyModelSpec spec)
    {
        var reference = Path.Combine(_folder, "reference");
        TinyModel.Write(reference, spec, seed: 1);
        TinyModel.Write(_folder, spec with { Fill = TinyWeightFill.RandomBits }, seed: 1);

        using var expected = Checkpoint.Open(reference);
        using var actual = Checkpoint.Open(_folder);

        actual.Tensors.Select(t => (t.Name, t.Dtype, string.Join('x', t.Shape)))
            .Should().Equal(expected.Tensors.Select(t => (t.Name, t.Dtype, string.Join('x', t.Shape))));
        ModelWeights.Load(actual, ModelConfig.Load(_folder)).Layers.Should().HaveCount(spec.NumHiddenLayers);
    }

    [Theory]
    [InlineData(SafetensorsDtype.BF16)]
    [InlineData(SafetensorsDtype.F16)]
    [InlineData(SafetensorsDtype.F32)]
    public void RandomBits_DenseWeightsAreSmallWithBothSignsAndNormsNearOne(SafetensorsDtype dtype)
    {
        TinyModel.Write(_folder, new TinyModelSpec { Dtype = dtype, Fill = TinyWeightFill.RandomBits }, seed: 2);
        using var checkpoint = Checkpoint.Open(_folder);

        var embedding = Values(checkpoint, "model.embed_tokens.weight");
        var norm = Values(checkpoint, "model.layers.1.input_layernorm.weight");

        embedding.Should().OnlyContain(v => Math.Abs(v) >= 1f / 32 && Math.Abs(v) < 1f / 16);
        embedding.Count(v => v < 0).Should().BeInRange(embedding.Length / 3, embedding.Length * 2 / 3);
        embedding.Distinct().Count().Should().BeGreaterThan(100, "the mantissas are random, not one repeated value");
        norm.Should().OnlyContain(v => v >= 1f && v < 2f);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void RandomBits_GptqHasWholeGroupsAndZeroPointsOfItsKind(bool symmetric, bool actOrder)
    {
        var spec = new TinyModelSpec { HiddenSize = 256, IntermediateSize = 512, Gptq = new TinyGptq(128, symmetric, actOrder), Fill = TinyWeightFill.RandomBits };
        TinyModel.Write(_folder, spec, seed: 3);
        using var checkpoint = Checkpoint.Open(_folder);

        var groupIndex = MemoryMarshal.Cast<byte, int>(checkpoint.Bytes("model.layers.0.mlp.down_proj.g_idx")).ToArray();
        var zeros = MemoryMarshal.Cast<byte, int>(checkpoint.Bytes("model.layers.0.mlp.down_proj.qzeros")).ToArray();
        var scales = MemoryMarshal.Cast<byte, Half>(checkpoint.Bytes("model.layers.0.mlp.down_proj.scales")).ToArray();

        groupIndex.Should().HaveCount(512);
        groupIndex.GroupBy(g => g).Select(g => (g.Key, g.Count())).OrderBy(g => g.Key).Should().Equal((0, 128), (1, 128), (2, 128), (3, 128));
        groupIndex.SequenceEqual(Enumerable.Range(0, 512).Select(c => c / 128)).Should().Be(!actOrder);
        if (symmetric)
        {
            zeros.Should().OnlyContain(z => z == 0x77777777);
        }
        else
        {
            zeros.Distinct().Count().Should().BeGreaterThan(1);
        }

        scales.Should().OnlyContain(s => (float)s >= 1f / 128 && (float)s < 1f / 64);
    }

    [Fact]
    public void RandomBits_CpuBackendComputesFiniteLogits()
    {
        using var model = new TinyCheckpointFolder(new TinyModelSpec { ModelType = "llama", Dtype = SafetensorsDtype.BF16, Fill = TinyWeightFill.RandomBits });
        using var cpu = model.Cpu();

        var logits = BackendCalls.Run(cpu, BackendCalls.RandomTokens(24, seed: 4), 0, BackendCalls.Blocks(1, 24));

        logits.Should().OnlyContain(v => float.IsFinite(v));
        logits.Distinct().Count().Should().BeGreaterThan(1);
    }

    [Fact]
    public void RandomBits_SameSeedSameBytesOtherSeedOtherBytes()
    {
        var again = Path.Combine(_folder, "again");
        var other = Path.Combine(_folder, "other");
        var spec = new TinyModelSpec { Fill = TinyWeightFill.RandomBits };
        TinyModel.Write(_folder, spec, seed: 5);
        TinyModel.Write(again, spec, seed: 5);
        TinyModel.Write(other, spec, seed: 6);

        var bytes = File.ReadAllBytes(Path.Combine(_folder, Checkpoint.SingleFile));
        bytes.Should().Equal(File.ReadAllBytes(Path.Combine(again, Checkpoint.SingleFile)));
        bytes.Should().NotEqual(File.ReadAllBytes(Path.Combine(other, Checkpoint.SingleFile)));
    }

    [Fact]
    public void SafetensorsWriter_SourceThatWritesTooFewBytes_NamesTheTensor()
    {
        var write = () => SafetensorsWriter.Write(Path.Combine(_folder, "bad.safetensors"),
            [new TensorSource("short", SafetensorsDtype.F32, [4], stream => stream.Write(new byte[12]))]);

        write.Should().Throw<InvalidOperationException>().WithMessage("*short*12 bytes*16*");
    }

    private static float[] Values(Checkpoint checkpoint, string name)
    {
        var info = checkpoint.Info(name);
        var bytes = checkpoint.Bytes(name);
        return info.Dtype switch
        {
            SafetensorsDtype.F32 => MemoryMarshal.Cast<byte, float>(bytes).ToArray(),
            SafetensorsDtype.F16 => MemoryMarshal.Cast<byte, Half>(bytes).ToArray().Select(h => (float)h).ToArray(),
            _ => MemoryMarshal.Cast<byte, ushort>(bytes).ToArray().Select(b => BitConverter.UInt32BitsToSingle((uint)b << 16)).ToArray(),
        };
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
