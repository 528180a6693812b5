using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Parley.Engine.Models;

namespace Parley.Engine.Tests.Models;

public sealed class SafetensorsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("parley-safetensors-").FullName;

    [Theory]
    [InlineData(WeightStorage.Mapped)]
    [InlineData(WeightStorage.HugePages)]
    public void WriteThenOpen_GivesBackEveryTensor(WeightStorage storage)
    {
        var path = Path.Combine(_folder, "model.safetensors");
        float[] weights = [1.5f, -2f, 3.25f, 0f, 8f, -0.5f];
        SafetensorsWriter.Write(path, [Tensor("w", weights, 2, 3), new TensorData("ids", SafetensorsDtype.I32, [2], [1, 0, 0, 0, 2, 0, 0, 0])],
            new Dictionary<string, string> { ["format"] = "pt" });

        using var file = SafetensorsFile.Open(path, storage);

        file.Tensors["w"].Shape.Should().Equal(2, 3);
        file.Tensors["w"].Dtype.Should().Be(SafetensorsDtype.F32);
        MemoryMarshal.Cast<byte, float>(file.Bytes("w")).ToArray().Should().Equal(weights);
        MemoryMarshal.Cast<byte, int>(file.Bytes("ids")).ToArray().Should().Equal(1, 2);
        file.Metadata["format"].Should().Be("pt");
        (file.DataOffset % 8).Should().Be(0);
    }

    [Theory]
    [InlineData(WeightStorage.Mapped)]
    [InlineData(WeightStorage.HugePages)]
    public void Checkpoint_ShardedByIndex_FindsEveryTensorInItsShard(WeightStorage storage)
    {
        SafetensorsWriter.Write(Path.Combine(_folder, "model-00001-of-00002.safetensors"), [Tensor("a", [1f], 1)]);
        SafetensorsWriter.Write(Path.Combine(_folder, "model-00002-of-00002.safetensors"), [Tensor("b", [2f, 3f], 2)]);
        File.WriteAllText(Path.Combine(_folder, Checkpoint.IndexFile),
            """{"weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}""");

        using var checkpoint = Checkpoint.Open(_folder, storage);

        checkpoint.Tensors.Select(t => t.Name).Order().Should().Equal("a", "b");
        MemoryMarshal.Cast<byte, float>(checkpoint.Bytes("b")).ToArray().Should().Equal(2f, 3f);
        var missing = () => checkpoint.Info("c");
        missing.Should().Throw<KeyNotFoundException>().WithMessage("*'c'*");
    }

    [Fact]
    public void Checkpoint_WithOnlyPickledWeights_IsRefusedSayingWhy()
    {
        File.WriteAllBytes(Path.Combine(_folder, "pytorch_model.bin"), [0]);

        var open = () => Checkpoint.Open(_folder);

        open.Should().Throw<FileNotFoundException>().WithMessage("*pytorch_model.bin*can run code*");
    }

    [Theory]
    [InlineData("""{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 12]}}""", 16, "needs 8 bytes but spans 12")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}""", 8, "data section has 8")]
    [InlineData("""{"w": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [0, 1]}}""", 8, "F8_E4M3")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}""", 8, "overlap")]
    [InlineData("""not json""", 8, "not JSON")]
    public void Open_InconsistentHeader_IsRefusedNamingTheProblem(string header, int dataBytes, string message)
    {
        foreach (var storage in Enum.GetValues<WeightStorage>())
        {
            OpenInconsistent(storage, header, dataBytes).Should().Throw<InvalidDataException>().WithMessage($"*{message}*", $"the file is {storage}");
        }
    }

    [Theory]
    [InlineData(WeightStorage.Mapped)]
    [InlineData(WeightStorage.HugePages)]
    public void Open_TruncatedFile_IsRefused(WeightStorage storage)
    {
        var path = Path.Combine(_folder, "short.safetensors");
        File.WriteAllBytes(path, [200, 0, 0, 0, 0, 0, 0, 0, (byte)'{']);

        var open = () => SafetensorsFile.Open(path, storage);

        open.Should().Throw<InvalidDataException>().WithMessage("*header length 200*");
    }

    [Theory]
    [InlineData(WeightStorage.Mapped, 0)]
    [InlineData(WeightStorage.HugePages, 0)]
    [InlineData(WeightStorage.HugePages, 7)]
    public void Open_FileShorterThanAHeaderLength_IsRefusedWithItsLength(WeightStorage storage, int length)
    {
        var path = Path.Combine(_folder, "empty.safetensors");
        File.WriteAllBytes(path, new byte[length]);

        var open = () => SafetensorsFile.Open(path, storage);

        open.Should().Throw<InvalidDataException>().WithMessage($"*is {length} bytes*8-byte header length*");
    }

    [Fact]
    public void Open_InHugePages_TakesTheAdviceWhereTheKernelHasTransparentHugePages()
    {
        var path = Path.Combine(_folder, "model.safetensors");
        SafetensorsWriter.Write(path, [Tensor("w", [1f], 1)]);

        using var mapped = SafetensorsFile.Open(path);
        using var read = SafetensorsFile.Open(path, WeightStorage.HugePages);

        mapped.IsInHugePages.Should().BeFalse();
        read.IsInHugePages.Should().Be(File.Exists(TransparentHugePages.Setting), "madvise(MADV_HUGEPAGE) is refused only by kernels built without them");
    }

    private Func<SafetensorsFile> OpenInconsistent(WeightStorage storage, string header, int dataBytes)
    {
        var path = Path.Combine(_folder, "bad.safetensors");
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, json.Length);
        json.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        return () => SafetensorsFile.Open(path, storage);
    }

    private static TensorData Tensor(string name, float[] values, params long[] shape) =>
        new(name, SafetensorsDtype.F32, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
