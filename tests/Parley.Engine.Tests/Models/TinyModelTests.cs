using System.Text.Json.Nodes;
using Parley.Engine.Models;
using Parley.Engine.Text;
using Parley.Engine.Text.Jinja;

namespace Parley.Engine.Tests.Models;

public sealed class TinyModelTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("parley-tiny-").FullName;

    [Theory]
    [InlineData("llama", SafetensorsDtype.BF16, false, true)]
    [InlineData("mistral", SafetensorsDtype.F16, false, false)]
    [InlineData("qwen2", SafetensorsDtype.BF16, true, false)]
    [InlineData("qwen3", SafetensorsDtype.F32, true, false)]
    public void Write_EveryArchitecture_LoadsWithEveryTensorChecked(string modelType, SafetensorsDtype dtype, bool tied, bool ropeScaling)
    {
        TinyModel.Write(_folder, new TinyModelSpec { ModelType = modelType, Dtype = dtype, TieWordEmbeddings = tied, Llama3RopeScaling = ropeScaling }, seed: 1);

        var config = ModelConfig.Load(_folder);
        using var checkpoint = Checkpoint.Open(_folder);
        var weights = ModelWeights.Load(checkpoint, config);

        config.ModelType.Should().Be(modelType);
        weights.Layers.Should().HaveCount(2);
        (weights.Layers[0].Bq is not null).Should().Be(modelType == "qwen2");
        (weights.Layers[0].QNorm is not null).Should().Be(modelType == "qwen3");
        (weights.LmHead == weights.Embedding).Should().Be(tied);
        weights.Embedding.Dtype.Should().Be(dtype);
        (config.RopeScaling is not null).Should().Be(ropeScaling);
    }

    [Fact]
    public void Write_Sharded_LoadsThroughTheIndex()
    {
        TinyModel.Write(_folder, new TinyModelSpec { Shards = 3 }, seed: 2);

        using var checkpoint = Checkpoint.Open(_folder);

        Directory.GetFiles(_folder, "model-*-of-00003.safetensors").Should().HaveCount(3);
        ModelWeights.Load(checkpoint, ModelConfig.Load(_folder)).Layers.Should().HaveCount(2);
    }

    [Fact]
    public void Write_SameSeed_SameWeights()
    {
        var other = Path.Combine(_folder, "again");
        TinyModel.Write(_folder, new TinyModelSpec(), seed: 3);
        TinyModel.Write(other, new TinyModelSpec(), seed: 3);

        File.ReadAllBytes(Path.Combine(_folder, "model.safetensors")).Should().Equal(File.ReadAllBytes(Path.Combine(other, "model.safetensors")));
    }

    [Fact]
    public void Load_ConfigThatDisagreesWithTheWeights_NamesTheTensor()
    {
        TinyModel.Write(_folder, new TinyModelSpec(), seed: 4);
        var path = Path.Combine(_folder, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!;
        config["intermediate_size"] = 96;
        File.WriteAllText(path, config.ToJsonString());
        using var checkpoint = Checkpoint.Open(_folder);

        var load = () => ModelWeights.Load(checkpoint, ModelConfig.Load(_folder));

        load.Should().Throw<InvalidDataException>().WithMessage("*model.layers.0.mlp.gate_proj.weight*[128, 64]*[96, 64]*");
    }

    [Fact]
    public void Write_TokenizerAndTemplate_WorkWithTheTextLayer()
    {
        TinyModel.Write(_folder, new TinyModelSpec(), seed: 5);
        var tokenizer = Tokenizer.FromTokenizerJson(JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, "tokenizer.json")))!);
        var template = JinjaTemplate.Parse(ChatTemplateSource.Resolve(null, _folder).Template);

        var prompt = template.Render(new Dictionary<string, JsonNode?>
        {
            ["messages"] = JsonNode.Parse("""[{"role": "user", "content": "héllo 你好"}]"""),
            ["add_generation_prompt"] = true,
        });
        var ids = tokenizer.Encode(prompt);

        prompt.Should().Be("<|im_start|>user\nhéllo 你好<|im_end|>\n<|im_start|>assistant\n");
        ids[0].Should().Be(257);
        ids.Should().OnlyContain(id => id < TinyModel.VocabSize);
        IncrementalDetokenizer.DecodeAll(tokenizer.Decoder, ids.ToArray(), skipSpecialTokens: false).Should().Be(prompt);
        GenerationConfig.Load(_folder).EosTokenIds.Should().Equal(258, 256);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
