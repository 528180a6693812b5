// A PEFT adapter_config.json, read into what serving needs (rank, scale, target projections, the base it was trained
// on), with everything Parley does not apply refused by name before any weight is read: other PEFT methods, DoRA,
// retrained whole modules (modules_to_save), trained biases, per-module ranks, projections outside a decoder layer's
// seven. Defaults are PEFT's LoraConfig defaults (r 8, lora_alpha 8, bias "none").
using System.Globalization;
using System.Text.Json.Nodes;

namespace Parley.Engine.Lora;

/// <summary>The settings of a LoRA adapter.</summary>
/// <param name="Rank">PEFT's <c>r</c>: the inner width of A and B.</param>
/// <param name="Alpha">PEFT's <c>lora_alpha</c>.</param>
/// <param name="UseRsLora">Rank-stabilised scaling (Kalajdzievski, 2023): alpha / sqrt(r) instead of alpha / r.</param>
/// <param name="Targets">The adapted projections.</param>
/// <param name="BaseModelNameOrPath">The model it was trained on, as PEFT recorded it; null when not recorded.</param>
public sealed record LoraConfig(int Rank, double Alpha, bool UseRsLora, IReadOnlyList<LoraTarget> Targets, string? BaseModelNameOrPath)
{
    public const string FileName = "adapter_config.json";

    // PEFT's LoraConfig defaults.
    private const int DefaultRank = 8;
    private const double DefaultAlpha = 8;

    /// <summary>The factor of B·A: alpha / r, or alpha / sqrt(r) with rsLoRA.</summary>
    public double Scale => UseRsLora ? Alpha / Math.Sqrt(Rank) : Alpha / Rank;

    /// <exception cref="LoraAdapterException">The folder has no adapter_config.json, or it asks for what Parley does not apply.</exception>
    public static LoraConfig Load(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            throw new LoraAdapterException($"{folder} has no {FileName}; a LoRA adapter folder holds PEFT's {FileName} and adapter_model.safetensors.");
        }

        try
        {
            return Parse(JsonNode.Parse(File.ReadAllText(path)) ?? throw new LoraAdapterException($"{path} is empty."));
        }
        catch (System.Text.Json.JsonException exception)
        {
            throw new LoraAdapterException($"{path} is not valid JSON: {exception.Message}", exception);
        }
    }

    /// <exception cref="LoraAdapterException">The config asks for what Parley does not apply; the message names the field.</exception>
    public static LoraConfig Parse(JsonNode config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (Text(config, "peft_type") is { } peftType && !peftType.Equals("LORA", StringComparison.OrdinalIgnoreCase))
        {
            throw new LoraAdapterException($"peft_type is '{peftType}': only LoRA adapters (peft_type LORA) are served.");
        }

        if (Flag(config, "use_dora"))
        {
            throw new LoraAdapterException("use_dora is true: DoRA adapters are not supported; train with use_dora false, or merge the adapter into the base model and serve that.");
        }

        if (config["modules_to_save"] is JsonArray { Count: > 0 } saved)
        {
            throw new LoraAdapterException($"modules_to_save lists {saved.ToJsonString()}: adapters that retrain whole modules (embeddings, lm_head) are not supported; train without modules_to_save (LLaMA-Factory: without additional_target), or merge the adapter into the base model.");
        }

        if (Text(config, "bias") is { } bias && bias != "none")
        {
            throw new LoraAdapterException($"bias is '{bias}': adapters that train biases are not supported; train with bias \"none\".");
        }

        if (Flag(config, "fan_in_fan_out"))
        {
            throw new LoraAdapterException("fan_in_fan_out is true: that layout is for GPT-2's Conv1D layers, which Parley's architectures do not have.");
        }

        foreach (var pattern in new[] { "rank_pattern", "alpha_pattern" })
        {
            if (config[pattern] is JsonObject { Count: > 0 })
            {
                throw new LoraAdapterException($"{pattern} is set: per-module ranks and alphas are not supported; train with one r and lora_alpha for every module.");
            }
        }

        if (config["layers_to_transform"] is JsonNode layers && layers.GetValueKind() != System.Text.Json.JsonValueKind.Null)
        {
            throw new LoraAdapterException("layers_to_transform is set: adapters of some layers only are not supported; train the target modules of every layer.");
        }

        var rank = Number(config, "r") ?? DefaultRank;
        if (rank < 1 || rank != Math.Floor(rank))
        {
            throw new LoraAdapterException(string.Create(CultureInfo.InvariantCulture, $"r is {rank}; a LoRA rank is a whole number, at least 1."));
        }

        var alpha = Number(config, "lora_alpha") ?? DefaultAlpha;
        return new LoraConfig((int)rank, alpha, Flag(config, "use_rslora"), TargetsOf(config["target_modules"]), Text(config, "base_model_name_or_path"));
    }

    // A list of module names, or PEFT's "all-linear"; any other string is a regular expression over module paths,
    // which would make the targets depend on PEFT's module naming, so it is refused.
    private static List<LoraTarget> TargetsOf(JsonNode? node)
    {
        var supported = string.Join(", ", LoraTargets.All.Select(target => target.ModuleName()));
        if (node is JsonValue value && value.TryGetValue<string>(out var text))
        {
            return text == "all-linear"
                ? [.. LoraTargets.All]
                : throw new LoraAdapterException($"target_modules is the pattern '{text}'; list the module names instead (any of {supported}).");
        }

        if (node is not JsonArray { Count: > 0 } names)
        {
            throw new LoraAdapterException($"target_modules is missing or empty; list the adapted modules (any of {supported}).");
        }

        var targets = new List<LoraTarget>();
        foreach (var name in names.Select(item => item?.GetValue<string>() ?? ""))
        {
            if (!LoraTargets.TryParse(name, out var target))
            {
                throw new LoraAdapterException($"target_modules holds '{name}': LoRA is applied to {supported} only; retrain without '{name}', or merge the adapter into the base model.");
            }

            if (!targets.Contains(target))
            {
                targets.Add(target);
            }
        }

        targets.Sort();
        return targets;
    }

    // Whatever JSON number type the writer chose (16, 16.0); null when absent.
    private static double? Number(JsonNode config, string name) => config[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.Number => double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture),
        var other => throw new LoraAdapterException($"{name} is {other.ToJsonString()}; it must be a number."),
    };

    private static string? Text(JsonNode config, string name) =>
        config[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static bool Flag(JsonNode config, string name) =>
        config[name] is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;
}
