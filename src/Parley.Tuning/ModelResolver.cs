// spec.model -> the architecture and weight format the planner sizes: the catalog, corrected or completed by
// spec.model.architecture, and checked against the quantization and dtype the spec asks for.
using Parley.Api;
using Parley.Api.Contracts;
using Parley.Api.Spec;
using Parley.Tuning.Catalog;

namespace Parley.Tuning;

/// <summary>A model the planner can size.</summary>
public sealed record ResolvedModel(ModelArchitecture Architecture, WeightFormat Format);

/// <summary>Resolves <see cref="ModelSpec"/> to an architecture and weight format.</summary>
public static class ModelResolver
{
    /// <summary>Returns the model, or sets <paramref name="refusal"/> and returns null.</summary>
    public static ResolvedModel? Resolve(ModelSpec model, out PlanRefusal? refusal)
    {
        ArgumentNullException.ThrowIfNull(model);
        refusal = null;
        if (!ModelSource.TryParse(model.Source, out var source))
        {
            refusal = new(ConditionReasons.InvalidSpec, $"spec.model.source '{model.Source}' is not org/name, hf://org/name, pvc://claim/path, demo or an absolute folder path.");
            return null;
        }

        var key = source.Kind == ModelSourceKind.HuggingFace ? source.Id : source.ShortName;
        var catalogued = source.Kind == ModelSourceKind.Demo ? ModelCatalog.Demo : ModelCatalog.Find(key);
        var architecture = ApplyOverrides(catalogued, key, model.Architecture, out refusal);
        if (architecture is null)
        {
            return null;
        }

        var gptq = ResolveQuantization(architecture, model.Quantization ?? Quantization.Auto, out refusal);
        if (refusal is not null)
        {
            return null;
        }

        var dtype = model.Dtype switch
        {
            ModelDtype.BFloat16 => WeightDtype.BFloat16,
            ModelDtype.Float16 => WeightDtype.Float16,
            ModelDtype.Float32 => WeightDtype.Float32,
            _ => architecture.TorchDtype,
        };

        // A catalog model's stored dtype is known, and the worker refuses another by the same rule. An unknown model's
        // spec.model.dtype is what the planner has to go on; the worker checks it against the checkpoint when it loads.
        if (catalogued is not null && LoadDtype.Refusal("spec.model.dtype", dtype.Name(), architecture.TorchDtype.Name()) is { } dtypeRefusal)
        {
            refusal = new(ConditionReasons.InvalidSpec, dtypeRefusal);
            return null;
        }

        return new ResolvedModel(architecture, new WeightFormat(dtype, gptq));
    }

    private static ModelArchitecture? ApplyOverrides(ModelArchitecture? known, string id, ArchitectureOverrides? overrides, out PlanRefusal? refusal)
    {
        refusal = null;
        if (known is null)
        {
            var missing = MissingForUnknownModel(overrides);
            if (missing.Count > 0)
            {
                refusal = new(ConditionReasons.UnknownModel,
                    $"{id} is not in Parley's model catalog: set spec.model.architecture ({string.Join(", ", missing)}) from its config.json.");
                return null;
            }

            known = new ModelArchitecture
            {
                Id = id, ModelType = "custom", NumHiddenLayers = overrides!.NumHiddenLayers!.Value, HiddenSize = overrides.HiddenSize!.Value,
                NumAttentionHeads = overrides.NumAttentionHeads!.Value, NumKeyValueHeads = overrides.NumKeyValueHeads!.Value,
                IntermediateSize = overrides.IntermediateSize!.Value, VocabSize = overrides.VocabSize!.Value,
                MaxPositionEmbeddings = overrides.MaxPositionEmbeddings!.Value, TieWordEmbeddings = overrides.TieWordEmbeddings ?? false,
            };
        }

        if (overrides is null)
        {
            return known;
        }

        return known with
        {
            NumHiddenLayers = overrides.NumHiddenLayers ?? known.NumHiddenLayers,
            HiddenSize = overrides.HiddenSize ?? known.HiddenSize,
            NumAttentionHeads = overrides.NumAttentionHeads ?? known.NumAttentionHeads,
            NumKeyValueHeads = overrides.NumKeyValueHeads ?? known.NumKeyValueHeads,
            ExplicitHeadDim = overrides.HeadDim ?? known.ExplicitHeadDim,
            IntermediateSize = overrides.IntermediateSize ?? known.IntermediateSize,
            VocabSize = overrides.VocabSize ?? known.VocabSize,
            MaxPositionEmbeddings = overrides.MaxPositionEmbeddings ?? known.MaxPositionEmbeddings,
            TieWordEmbeddings = overrides.TieWordEmbeddings ?? known.TieWordEmbeddings,
        };
    }

    private static List<string> MissingForUnknownModel(ArchitectureOverrides? o) =>
        new (string Name, bool IsSet)[]
        {
            ("numHiddenLayers", o?.NumHiddenLayers is not null), ("hiddenSize", o?.HiddenSize is not null),
            ("numAttentionHeads", o?.NumAttentionHeads is not null), ("numKeyValueHeads", o?.NumKeyValueHeads is not null),
            ("intermediateSize", o?.IntermediateSize is not null), ("vocabSize", o?.VocabSize is not null),
            ("maxPositionEmbeddings", o?.MaxPositionEmbeddings is not null),
        }.Where(field => !field.IsSet).Select(field => field.Name).ToList();

    private static GptqConfig? ResolveQuantization(ModelArchitecture architecture, Quantization requested, out PlanRefusal? refusal)
    {
        refusal = null;
        var isKnown = ModelCatalog.Find(architecture.Id) is not null;
        switch (requested)
        {
            case Quantization.Awq:
                refusal = new(ConditionReasons.InvalidSpec, "quantization: awq is not supported by the Parley worker yet; use a GPTQ-int4 checkpoint with quantization: gptq.");
                return null;
            case Quantization.None when architecture.Gptq is not null:
                refusal = new(ConditionReasons.InvalidSpec, $"{architecture.Id} is a GPTQ checkpoint; set spec.model.quantization to gptq or auto.");
                return null;
            case Quantization.Gptq when architecture.Gptq is null && isKnown:
                refusal = new(ConditionReasons.InvalidSpec, $"{architecture.Id} stores unquantized weights, so quantization: gptq cannot apply; " +
                    (architecture.GptqVariant is { } variant ? $"set spec.model.source to a GPTQ-int4 checkpoint such as {variant}." : "set spec.model.source to a GPTQ-int4 checkpoint of it."));
                return null;
            case Quantization.Gptq:
                return architecture.Gptq ?? new GptqConfig();
            default:
                return architecture.Gptq;
        }
    }
}
