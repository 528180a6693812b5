using System.Text.Json.Nodes;
using Parley.Engine.Models;

namespace Parley.Engine.Tests.Models;

public class ModelConfigTests
{
    // meta-llama/Llama-3.1-8B-Instruct/config.json (abridged to the keys read).
    private const string Llama31 = """
        {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
         "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256,
         "max_position_embeddings": 131072, "rms_norm_eps": 1e-05, "rope_theta": 500000.0, "tie_word_embeddings": false,
         "torch_dtype": "bfloat16",
         "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"}}
        """;

    [Fact]
    public void Parse_Llama31_ReadsShapesAndRopeScaling()
    {
        var config = ModelConfig.Parse(JsonNode.Parse(Llama31)!);

        config.HeadDim.Should().Be(128);
        config.NumKeyValueHeads.Should().Be(8);
        config.RopeScaling.Should().Be(new Llama3RopeScaling(8, 1, 4, 8192));
        config.AttentionBias.Should().BeFalse();
        config.QkNorm.Should().BeFalse();
    }

    [Fact]
    public void Parse_Qwen_SetsBiasesAndQkNormByFamily()
    {
        ModelConfig.Parse(JsonNode.Parse(Llama31.Replace("\"llama\"", "\"qwen2\"", StringComparison.Ordinal))!).AttentionBias.Should().BeTrue();
        var qwen3 = ModelConfig.Parse(JsonNode.Parse(Llama31.Replace("\"llama\"", "\"qwen3\"", StringComparison.Ordinal).Replace("\"num_attention_heads\": 32", "\"num_attention_heads\": 32, \"head_dim\": 64", StringComparison.Ordinal))!);

        qwen3.QkNorm.Should().BeTrue();
        qwen3.HeadDim.Should().Be(64, "an explicit head_dim wins over hidden / heads");
    }

    [Fact]
    public void Parse_Gptq_KeepsActOrderAsAFact()
    {
        var json = JsonNode.Parse(Llama31)!;
        json["quantization_config"] = JsonNode.Parse("""{"quant_method": "gptq", "bits": 4, "group_size": 128, "sym": true, "desc_act": true}""");

        ModelConfig.Parse(json).Gptq.Should().Be(new GptqQuantization(4, 128, true, true));
    }

    [Theory]
    [InlineData("\"model_type\": \"llama\"", "\"model_type\": \"gemma3\"", "'gemma3'*supported: llama, mistral, qwen2, qwen3")]
    [InlineData("\"torch_dtype\": \"bfloat16\"", "\"torch_dtype\": \"float8_e4m3fn\"", "float8_e4m3fn*supported: bfloat16")]
    [InlineData("\"rope_type\": \"llama3\"", "\"rope_type\": \"yarn\"", "'yarn'*supported: llama3")]
    public void Parse_SomethingParleyCannotRun_IsRefusedByName(string from, string to, string message)
    {
        var parse = () => ModelConfig.Parse(JsonNode.Parse(Llama31.Replace(from, to, StringComparison.Ordinal))!);

        parse.Should().Throw<NotSupportedException>().WithMessage($"*{message}*");
    }

    [Theory]
    [InlineData("""{"quant_method": "awq", "bits": 4}""", "'awq'")]
    [InlineData("""{"quant_method": "gptq", "bits": 8}""", "8 bits")]
    [InlineData("""{"quant_method": "gptq", "bits": 4, "group_size": 64}""", "group_size 64")]
    [InlineData("""{"quant_method": "gptq", "bits": 4, "group_size": 128, "checkpoint_format": "gptq_v2"}""", "checkpoint_format 'gptq_v2'")]
    public void Parse_OtherQuantization_IsRefused(string quantization, string message)
    {
        var json = JsonNode.Parse(Llama31)!;
        json["quantization_config"] = JsonNode.Parse(quantization);

        var parse = () => ModelConfig.Parse(json);

        parse.Should().Throw<NotSupportedException>().WithMessage($"*{message}*");
    }
}
