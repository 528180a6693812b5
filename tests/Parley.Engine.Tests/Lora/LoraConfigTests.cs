using System.Text.Json.Nodes;
using Parley.Engine.Lora;

namespace Parley.Engine.Tests.Lora;

public class LoraConfigTests
{
    // What LLaMA-Factory's `finetuning_type: lora, lora_target: all` writes through PEFT 0.12 for a Qwen2.5 base
    // (written here from the shape of such a file, values included).
    private const string LlamaFactoryConfig = """
        {
          "alpha_pattern": {},
          "auto_mapping": null,
          "base_model_name_or_path": "Qwen/Qwen2.5-7B-Instruct",
          "bias": "none",
          "fan_in_fan_out": false,
          "inference_mode": true,
          "init_lora_weights": true,
          "layer_replication": null,
          "layers_pattern": null,
          "layers_to_transform": null,
          "loftq_config": {},
          "lora_alpha": 16,
          "lora_dropout": 0.0,
          "megatron_config": null,
          "megatron_core": "megatron.core",
          "modules_to_save": null,
          "peft_type": "LORA",
          "r": 8,
          "rank_pattern": {},
          "revision": null,
          "target_modules": ["down_proj", "up_proj", "o_proj", "k_proj", "q_proj", "gate_proj", "v_proj"],
          "task_type": "CAUSAL_LM",
          "use_dora": false,
          "use_rslora": false
        }
        """;

    [Fact]
    public void LlamaFactoryConfig_ReadsRankScaleTargetsAndBase()
    {
        var config = LoraConfig.Parse(JsonNode.Parse(LlamaFactoryConfig)!);

        config.Rank.Should().Be(8);
        config.Scale.Should().Be(2.0);
        config.Targets.Should().Equal(LoraTargets.All);
        config.BaseModelNameOrPath.Should().Be("Qwen/Qwen2.5-7B-Instruct");
    }

    [Fact]
    public void RsLora_ScalesByAlphaOverTheRootOfTheRank()
    {
        var config = LoraConfig.Parse(Edited(json => { json["use_rslora"] = true; json["r"] = 16; json["lora_alpha"] = 32; }));

        config.Scale.Should().Be(8.0);
    }

    [Fact]
    public void AllLinear_TargetsEveryProjection()
    {
        LoraConfig.Parse(Edited(json => json["target_modules"] = "all-linear")).Targets.Should().Equal(LoraTargets.All);
    }

    [Fact]
    public void MissingRankAndAlpha_TakePeftsDefaults()
    {
        var config = LoraConfig.Parse(Edited(json => { json.Remove("r"); json.Remove("lora_alpha"); }));

        config.Rank.Should().Be(8);
        config.Scale.Should().Be(1.0);
    }

    public static TheoryData<string, string, string> Refusals() => new()
    {
        { "use_dora", "true", "*use_dora is true: DoRA adapters are not supported*" },
        { "modules_to_save", """["embed_tokens", "lm_head"]""", "*modules_to_save lists*retrain whole modules*" },
        { "bias", "\"lora_only\"", "*bias is 'lora_only'*train with bias \"none\"*" },
        { "target_modules", """["q_proj", "embed_tokens"]""", "*target_modules holds 'embed_tokens'*q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj only*" },
        { "target_modules", "\".*attn.*\"", "*target_modules is the pattern '.*attn.*'; list the module names*" },
        { "peft_type", "\"IA3\"", "*peft_type is 'IA3': only LoRA adapters*" },
        { "rank_pattern", """{"q_proj": 4}""", "*rank_pattern is set: per-module ranks*" },
        { "layers_to_transform", "[0, 1]", "*layers_to_transform is set*" },
        { "r", "0", "*r is 0*" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void UnsupportedSettings_AreRefusedByName(string field, string value, string message)
    {
        var parse = () => LoraConfig.Parse(Edited(json => json[field] = JsonNode.Parse(value)));

        parse.Should().Throw<LoraAdapterException>().WithMessage(message);
    }

    [Fact]
    public void AFolderWithoutAdapterConfig_IsRefusedWithWhatAnAdapterFolderHolds()
    {
        var folder = Directory.CreateTempSubdirectory("parley-lora-empty-").FullName;
        try
        {
            var load = () => LoraConfig.Load(folder);

            load.Should().Throw<LoraAdapterException>().WithMessage("*has no adapter_config.json*adapter_model.safetensors*");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static JsonObject Edited(Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(LlamaFactoryConfig)!.AsObject();
        edit(json);
        return json;
    }
}
