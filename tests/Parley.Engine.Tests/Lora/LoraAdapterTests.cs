using Parley.Engine.Lora;
using Parley.Engine.Models;
using Parley.Engine.Tests.Backends;
using Parley.Testing.Models;

namespace Parley.Engine.Tests.Lora;

public sealed class LoraAdapterTests : IDisposable
{
    private readonly TinyCheckpointFolder _model = new(TinyCheckpoints.Shape("qwen2", "BF16"));

    [Fact]
    public void APeftAdapter_LoadsEveryTargetOfEveryLayerWithItsShape()
    {
        using var folder = new TinyLoraFolder(_model.Path, new TinyLoraSpec { Rank = 4, TargetModules = ["q_proj", "down_proj"] });

        var adapter = LoraAdapter.Load("sql", folder.Path, ModelConfig.Load(_model.Path));

        adapter.Name.Should().Be("sql");
        adapter.Rank.Should().Be(4);
        adapter.Weights(1, LoraTarget.Q)!.A.Should().HaveCount(4 * 64);
        adapter.Weights(1, LoraTarget.Q)!.BTransposed.Should().HaveCount(4 * 64);
        adapter.Weights(0, LoraTarget.Down)!.A.Should().HaveCount(4 * 128);
        adapter.Weights(0, LoraTarget.K).Should().BeNull();
    }

    [Fact]
    public void LoraB_IsHeldTransposed()
    {
        using var folder = new TinyLoraFolder(_model.Path, new TinyLoraSpec { Rank = 2, TargetModules = ["k_proj"], Dtype = SafetensorsDtype.F32 });
        using var file = SafetensorsFile.Open(Path.Combine(folder.Path, LoraAdapter.WeightsFile));
        var stored = TinyTensors.Read(SafetensorsDtype.F32, file.Bytes(TinyLoraFolder.TensorName(0, "k_proj", 'B'))); // [32, 2]

        var held = LoraAdapter.Load("a", folder.Path, ModelConfig.Load(_model.Path)).Weights(0, LoraTarget.K)!.BTransposed; // [2, 32]

        held[(1 * 32) + 5].Should().Be((float)stored[(5 * 2) + 1]);
    }

    [Fact]
    public void TwoLoadsOfOneFolder_AreTwoAdaptersWithTheirOwnIds()
    {
        using var folder = new TinyLoraFolder(_model.Path);
        var config = ModelConfig.Load(_model.Path);

        LoraAdapter.Load("a", folder.Path, config).Id.Should().NotBe(LoraAdapter.Load("a", folder.Path, config).Id);
    }

    [Fact]
    public void AnAdapterForAWiderBase_IsRefusedWithTheShapesAndTheBaseItWasTrainedOn()
    {
        using var wide = new TinyCheckpointFolder(TinyCheckpoints.Shape("qwen2", "BF16") with { HiddenSize = 128, IntermediateSize = 256 });
        using var folder = new TinyLoraFolder(wide.Path);

        var load = () => LoraAdapter.Load("a", folder.Path, ModelConfig.Load(_model.Path));

        load.Should().Throw<LoraAdapterException>().WithMessage($"*has shape [8, 128] but r 8 on the base model's q_proj needs [8, 64]*trained on '{wide.Path}'*");
    }

    [Fact]
    public void AnAdapterForMoreLayers_IsRefused()
    {
        using var deep = new TinyCheckpointFolder(TinyCheckpoints.Shape("qwen2", "BF16") with { NumHiddenLayers = 3 });
        using var folder = new TinyLoraFolder(deep.Path);

        var load = () => LoraAdapter.Load("a", folder.Path, ModelConfig.Load(_model.Path));

        load.Should().Throw<LoraAdapterException>().WithMessage("*adapts layer 2 but the base model has 2 layers*");
    }

    [Fact]
    public void AMissingLoraB_IsRefusedWithTheLayerAndModule()
    {
        var missing = TinyLoraFolder.TensorName(1, "v_proj", 'B');
        using var folder = new TinyLoraFolder(_model.Path, new TinyLoraSpec { EditTensors = tensors => tensors.Where(t => t.Name != missing).ToList() });

        var load = () => LoraAdapter.Load("a", folder.Path, ModelConfig.Load(_model.Path));

        load.Should().Throw<LoraAdapterException>().WithMessage("*lacks lora_A or lora_B of layer 1's v_proj*");
    }

    [Theory]
    [InlineData("base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector")]
    [InlineData("base_model.model.model.embed_tokens.lora_embedding_A")]
    [InlineData("base_model.model.lm_head.weight")]
    public void TensorsBeyondAAndBOfAProjection_AreRefusedByName(string name)
    {
        using var folder = new TinyLoraFolder(_model.Path, new TinyLoraSpec
        {
            EditTensors = tensors => [.. tensors, new TensorData(name, SafetensorsDtype.F32, [4], new byte[16])],
        });

        var load = () => LoraAdapter.Load("a", folder.Path, ModelConfig.Load(_model.Path));

        load.Should().Throw<LoraAdapterException>().WithMessage($"*'{name}' is not the lora_A or lora_B of a decoder layer's projection*");
    }

    [Fact]
    public void AnAdapterTensorOfAModuleNotInTargetModules_IsRefused()
    {
        using var folder = new TinyLoraFolder(_model.Path, new TinyLoraSpec { EditConfig = json => json["target_modules"] = new System.Text.Json.Nodes.JsonArray("q_proj") });

        var load = () => LoraAdapter.Load("a", folder.Path, ModelConfig.Load(_model.Path));

        load.Should().Throw<LoraAdapterException>().WithMessage("*adapts k_proj, which adapter_config.json's target_modules does not list*");
    }

    [Fact]
    public void PickledWeightsOnly_AreRefusedAsUnsafe()
    {
        using var folder = new TinyLoraFolder(_model.Path);
        File.Move(Path.Combine(folder.Path, LoraAdapter.WeightsFile), Path.Combine(folder.Path, "adapter_model.bin"));

        var load = () => LoraAdapter.Load("a", folder.Path, ModelConfig.Load(_model.Path));

        load.Should().Throw<LoraAdapterException>().WithMessage("*only adapter_model.bin, a pickle*save the adapter with safetensors*");
    }

    public void Dispose() => _model.Dispose();
}
