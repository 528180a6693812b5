// The seven projections of a decoder layer a LoRA adapter may adapt, under the module names PEFT writes in
// target_modules and in tensor names, with the [out, in] shape each has in a given base model.
using Parley.Engine.Models;

namespace Parley.Engine.Lora;

/// <summary>A projection of a decoder layer that LoRA can adapt.</summary>
public enum LoraTarget
{
    Q,
    K,
    V,
    O,
    Gate,
    Up,
    Down,
}

/// <summary>PEFT's names and the base model's shapes of <see cref="LoraTarget"/>.</summary>
public static class LoraTargets
{
    /// <summary>Every target, in the order of <see cref="LoraTarget"/>.</summary>
    public static readonly IReadOnlyList<LoraTarget> All = Enum.GetValues<LoraTarget>();

    /// <summary>The module name as PEFT writes it (<c>q_proj</c>, <c>gate_proj</c>, ...).</summary>
    public static string ModuleName(this LoraTarget target) => target switch
    {
        LoraTarget.Q => "q_proj",
        LoraTarget.K => "k_proj",
        LoraTarget.V => "v_proj",
        LoraTarget.O => "o_proj",
        LoraTarget.Gate => "gate_proj",
        LoraTarget.Up => "up_proj",
        _ => "down_proj",
    };

    /// <summary>The parent module in a layer: <c>self_attn</c> or <c>mlp</c>.</summary>
    public static string Block(this LoraTarget target) => target is LoraTarget.Gate or LoraTarget.Up or LoraTarget.Down ? "mlp" : "self_attn";

    public static bool TryParse(string moduleName, out LoraTarget target)
    {
        foreach (var candidate in All)
        {
            if (candidate.ModuleName() == moduleName)
            {
                target = candidate;
                return true;
            }
        }

        target = default;
        return false;
    }

    /// <summary>The projection's input width in <paramref name="config"/>.</summary>
    public static int InFeatures(this LoraTarget target, ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return target switch
        {
            LoraTarget.O => config.NumAttentionHeads * config.HeadDim,
            LoraTarget.Down => config.IntermediateSize,
            _ => config.HiddenSize,
        };
    }

    /// <summary>The projection's output width in <paramref name="config"/>.</summary>
    public static int OutFeatures(this LoraTarget target, ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return target switch
        {
            LoraTarget.Q => config.NumAttentionHeads * config.HeadDim,
            LoraTarget.K or LoraTarget.V => config.NumKeyValueHeads * config.HeadDim,
            LoraTarget.Gate or LoraTarget.Up => config.IntermediateSize,
            _ => config.HiddenSize,
        };
    }
}
