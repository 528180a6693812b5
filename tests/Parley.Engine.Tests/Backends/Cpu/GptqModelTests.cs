using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Parley.Engine.Models;
using Parley.Testing.Models;
using static Parley.Engine.Tests.Backends.BackendCalls;

namespace Parley.Engine.Tests.Backends.Cpu;

// A GPTQ checkpoint must run as the dense model its packed weights stand for: the twin below holds the same weights,
// dequantised by the scalar reference and stored as f32, and every other tensor as is.
public class GptqModelTests
{
    [Theory]
    [InlineData("llama", 128, true, false)]
    [InlineData("qwen2", -1, false, false)]
    [InlineData("qwen3", 128, false, true)]
    public void GptqModel_GivesTheLogitsOfItsDequantisedTwin(string modelType, int groupSize, bool symmetric, bool actOrder)
    {
        var spec = TinyCheckpoints.Shape(modelType, "F16") with
        {
            HiddenSize = 128, IntermediateSize = 256, Gptq = new TinyGptq(groupSize, symmetric, actOrder),
        };
        using var gptq = new TinyCheckpointFolder(spec);
        using var twin = new TinyCheckpointFolder(spec with { Gptq = null });
        WriteDequantisedTwin(gptq.Path, twin.Path);
        var tokens = RandomTokens(23, seed: 2);

        using var quantized = gptq.Cpu();
        using var dense = twin.Cpu();

        var expected = Run(dense, tokens, 0, Blocks(1, 23));
        MaxAbsDifference(Run(quantized, tokens, 0, Blocks(1, 23)), expected).Should().BeLessThan(1e-3);
    }

    [Fact]
    public void GptqScalesStoredAsFloat32_AreRefusedByName()
    {
        var spec = TinyCheckpoints.Shape("llama", "F16") with { HiddenSize = 128, IntermediateSize = 256, Gptq = new TinyGptq() };
        using var model = new TinyCheckpointFolder(spec);
        using (var checkpoint = Checkpoint.Open(model.Path))
        {
            var tensors = checkpoint.Tensors.Select(t => t.Name.EndsWith(".scales", StringComparison.Ordinal)
                ? new TensorData(t.Name, SafetensorsDtype.F32, [.. t.Shape], new byte[t.ElementCount * 4])
                : new TensorData(t.Name, t.Dtype, [.. t.Shape], checkpoint.Bytes(t.Name).ToArray())).ToList();
            checkpoint.Dispose();
            SafetensorsWriter.Write(Path.Combine(model.Path, Checkpoint.SingleFile), tensors);
        }

        var load = () => model.Cpu();

        load.Should().Throw<InvalidDataException>().WithMessage("*scales' is F32; GPTQ stores it as F16*");
    }

    private static void WriteDequantisedTwin(string gptqFolder, string twinFolder)
    {
        var config = ModelConfig.Load(gptqFolder);
        using var checkpoint = Checkpoint.Open(gptqFolder);
        var tensors = new List<TensorData>();
        foreach (var tensor in checkpoint.Tensors.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            if (GptqDequantized.Layer(checkpoint, tensor) is var (name, rows, columns, dense))
            {
                tensors.Add(new TensorData(name, SafetensorsDtype.F32, [rows, columns], MemoryMarshal.AsBytes(dense.AsSpan()).ToArray()));
            }
            else if (!GptqDequantized.IsPackingPart(tensor.Name))
            {
                tensors.Add(new TensorData(tensor.Name, tensor.Dtype, [.. tensor.Shape], checkpoint.Bytes(tensor.Name).ToArray()));
            }
        }

        File.Delete(Path.Combine(twinFolder, Checkpoint.SingleFile));
        SafetensorsWriter.Write(Path.Combine(twinFolder, Checkpoint.SingleFile), tensors);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(gptqFolder, "config.json")))!.AsObject();
        json.Remove("quantization_config");
        File.WriteAllText(Path.Combine(twinFolder, "config.json"), json.ToJsonString());
        config.Gptq.Should().NotBeNull();
    }
}
