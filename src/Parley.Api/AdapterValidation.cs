// Checks on spec.model.adapters and the LoRA tuning fields. The CEL rules on ModelSpec, AdapterSpec and
// ChatDeploymentSpec say the same for clusters whose CRD has them; these run for the rest, and also know the served
// name's default, which CEL cannot compute.
using System.Text.RegularExpressions;
using Parley.Api.Spec;

namespace Parley.Api;

/// <summary>Validates LoRA adapters: names clients can use, sources the worker can read, and limits vLLM accepts.</summary>
internal static partial class AdapterValidation
{
    private const string AdapterSourceForms = "org/name, hf://org/name, pvc://claim/path or an absolute folder path holding adapter_config.json";

    public static void Validate(ModelSpec model, List<ValidationError> errors)
    {
        var adapters = model.Adapters ?? [];
        var servedName = model.ServedName ?? (ModelSource.TryParse(model.Source, out var source) ? source.DefaultServedName : null);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < adapters.Count; i++)
        {
            if (adapters[i] is not { } adapter)
            {
                errors.Add(new($"spec.model.adapters[{i}]", "is empty: give each adapter a name and a source."));
                continue;
            }

            ValidateName($"spec.model.adapters[{i}].name", adapter.Name, servedName, seen, errors);
            ValidateSource($"spec.model.adapters[{i}].source", adapter.Source, errors);
        }
    }

    public static void ValidateLoraTuning(ModelSpec? model, TuningSpec? tuning, List<ValidationError> errors)
    {
        if (LoraAdapters.HasAdapters(model))
        {
            return;
        }

        if (tuning?.MaxLoras is not null)
        {
            errors.Add(new("spec.worker.tuning.maxLoras", "applies only to LoRA adapters: add spec.model.adapters, or remove maxLoras."));
        }

        if (tuning?.MaxLoraRank is not null)
        {
            errors.Add(new("spec.worker.tuning.maxLoraRank", "applies only to LoRA adapters: add spec.model.adapters, or remove maxLoraRank."));
        }
    }

    private static void ValidateName(string path, string? name, string? servedName, HashSet<string> seen, List<ValidationError> errors)
    {
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(new(path, "is required: the name clients put in model to select this adapter."));
        }
        else if (!NameRegex().IsMatch(name) || name.Any(char.IsControl))
        {
            errors.Add(new(path, $"{SchemaRules.Quote(name)} cannot name an adapter: use at most 64 letters, digits, '.', '_' and '-', " +
                "starting and ending with a letter or digit (it travels in URLs and in --lora-modules name=path)."));
        }
        else if (name == servedName)
        {
            errors.Add(new(path, $"'{name}' is the base model's served name: clients could not choose between them; rename the adapter."));
        }
        else if (!seen.Add(name))
        {
            errors.Add(new(path, $"'{name}' names two adapters: rename or remove one."));
        }
    }

    private static void ValidateSource(string path, string? source, List<ValidationError> errors)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            errors.Add(new(path, $"is required: use {AdapterSourceForms}."));
        }
        else if (source == ModelSource.DemoName)
        {
            errors.Add(new(path, $"demo is the built-in base model, not an adapter: use {AdapterSourceForms}."));
        }
        else
        {
            Validation.ValidateSource(path, source, AdapterSourceForms, errors);
        }
    }

    [GeneratedRegex(LoraAdapters.NamePattern)]
    private static partial Regex NameRegex();
}
