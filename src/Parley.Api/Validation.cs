// Checks on a ChatDeployment that a CRD schema cannot express. Each error names the field and says what to change.
using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;
using Parley.Api.Spec;

namespace Parley.Api;

/// <summary>One problem with a ChatDeployment: the field's path and a sentence saying what to change.</summary>
public sealed record ValidationError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>Validates ChatDeployments beyond what the CRD schema enforces.</summary>
public static partial class Validation
{
    /// <summary>Returns every problem found; an empty list means valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(ChatDeployment chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        var errors = new List<ValidationError>();
        ValidateName(chat.Metadata?.Name, errors);
        ValidateModel(chat.Spec?.Model, errors);
        if (chat.Spec?.Worker is { } worker)
        {
            ValidateWorker(worker, errors);
        }

        ValidateRouting(chat.Spec?.Worker, chat.Spec?.Router, errors);
        AdapterValidation.ValidateLoraTuning(chat.Spec?.Model, chat.Spec?.Worker?.Tuning, errors);
        if (chat.Spec?.Ui is { } ui)
        {
            ValidateUi(ui, errors);
        }

        // The schema's own rules, for a CRD installed before they existed; a field already reported keeps its clearer message.
        var schemaErrors = new List<ValidationError>();
        SchemaRules.Check(chat.Spec, "spec", schemaErrors);
        errors.AddRange(schemaErrors.Where(error => !errors.Any(e => e.Path == error.Path)));
        return errors;
    }

    private static void ValidateName(string? name, List<ValidationError> errors)
    {
        if (string.IsNullOrEmpty(name) || name.Length > Names.MaxChatDeploymentNameLength || !ServiceNameRegex().IsMatch(name))
        {
            errors.Add(new("metadata.name",
                $"'{name}' cannot name the worker and UI Services: use at most {Names.MaxChatDeploymentNameLength} lower-case " +
                "letters, digits and '-', starting with a letter and ending with a letter or digit."));
        }
    }

    private static void ValidateModel(ModelSpec? model, List<ValidationError> errors)
    {
        if (model is null || string.IsNullOrWhiteSpace(model.Source))
        {
            errors.Add(new("spec.model.source", "is required: set a Hugging Face id such as deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B, hf://org/name, pvc://claim/path, demo or a local folder /path."));
            return;
        }

        ValidateSource("spec.model.source", model.Source, "org/name, hf://org/name, pvc://claim/path, demo or an absolute folder path", errors);

        if (model.ChatTemplate is { Inline: not null, ConfigMapRef: not null })
        {
            errors.Add(new("spec.model.chatTemplate", "set either inline or configMapRef, not both."));
        }

        if (model.ChatTemplate?.ConfigMapRef is { } configMapRef && (string.IsNullOrEmpty(configMapRef.Name) || string.IsNullOrEmpty(configMapRef.Key)))
        {
            errors.Add(new("spec.model.chatTemplate.configMapRef", "needs both name and key."));
        }

        if (model.Architecture is { } architecture)
        {
            ValidateArchitecture(architecture, errors);
        }

        AdapterValidation.Validate(model, errors);
    }

    /// <summary>Checks a checkpoint source (the model's or an adapter's); <paramref name="forms"/> lists what the field accepts.</summary>
    internal static void ValidateSource(string path, string source, string forms, List<ValidationError> errors)
    {
        if (source.Any(char.IsControl))
        {
            errors.Add(new(path, $"{SchemaRules.Quote(source)} contains a control character (such as a trailing newline): remove it."));
        }
        else if (source.StartsWith("pvc://", StringComparison.Ordinal) && source.Split('/').Any(segment => segment is "." or ".."))
        {
            errors.Add(new(path, $"'{source}' has a '.' or '..' segment: a path on a claim must stay inside the claim."));
        }
        else if (source.StartsWith('/') && source.Split('/').Any(segment => segment is "." or ".."))
        {
            errors.Add(new(path, $"'{source}' has a '.' or '..' segment: give the folder's absolute path without them."));
        }
        else if (!ModelSource.TryParse(source, out _))
        {
            errors.Add(new(path, $"'{source}' is not a model source: use {forms}."));
        }
    }

    private static void ValidateArchitecture(ArchitectureOverrides architecture, List<ValidationError> errors)
    {
        if (architecture is { NumAttentionHeads: { } heads, NumKeyValueHeads: { } kvHeads } && heads % kvHeads != 0)
        {
            errors.Add(new("spec.model.architecture.numKeyValueHeads",
                $"{kvHeads} does not divide numAttentionHeads {heads}: grouped-query attention shares each KV head among a whole number of query heads."));
        }

        if (architecture is { HeadDim: null, HiddenSize: { } hidden, NumAttentionHeads: { } h } && hidden % h != 0)
        {
            errors.Add(new("spec.model.architecture.headDim",
                $"hiddenSize {hidden} is not a multiple of numAttentionHeads {h}: set headDim from the checkpoint's config.json."));
        }
    }

    private static void ValidateWorker(WorkerSpec worker, List<ValidationError> errors)
    {
        ValidateGpuCount(worker.Gpu?.Count, errors);
        if (worker.Tuning is { Mode: TuningMode.Manual } tuning && (tuning.GpuMemoryUtilization is null || tuning.MaxModelLen is null))
        {
            errors.Add(new("spec.worker.tuning", "mode Manual needs both gpuMemoryUtilization and maxModelLen; set them, or use mode Auto."));
        }

        if (worker.Tuning is { MaxNumSeqs: { } seqs, TargetConcurrency: { } target } && target > seqs)
        {
            errors.Add(new("spec.worker.tuning.targetConcurrency",
                $"{target} is more than maxNumSeqs {seqs}: the worker could never run that many conversations at once."));
        }

        if (worker.Cache is { ClaimName: not null, Size: not null })
        {
            errors.Add(new("spec.worker.cache", "set either claimName (an existing claim) or size (a claim the operator creates), not both."));
        }

        ValidateQuantity("spec.worker.cache.size", worker.Cache?.Size, errors);
        for (var i = 0; i < (worker.Env?.Count ?? 0); i++)
        {
            if (worker.Env![i]?.Name is { } name && OperatorEnvironment.Worker.TryGetValue(name, out var instead))
            {
                errors.Add(new($"spec.worker.env[{i}].name", $"{name} is set by the operator and cannot be overridden: {instead}."));
            }
        }

        if (worker.ApiKeySecretRef is { } keyRef && (string.IsNullOrEmpty(keyRef.Name) || string.IsNullOrEmpty(keyRef.Key)))
        {
            errors.Add(new("spec.worker.apiKeySecretRef", "needs both name and key."));
        }
    }

    // The same rules as the CEL rules on AutoscalingSpec, WorkerSpec and ChatDeploymentSpec, for CRDs installed before them.
    private static void ValidateRouting(WorkerSpec? worker, RouterSpec? router, List<ValidationError> errors)
    {
        if (worker?.Autoscaling is { } autoscaling)
        {
            if (worker.Replicas is not null)
            {
                errors.Add(new("spec.worker.replicas",
                    "cannot be set together with spec.worker.autoscaling: the autoscaler owns the replica count; remove replicas, or remove autoscaling."));
            }

            if (router?.Enabled == false)
            {
                errors.Add(new("spec.router.enabled",
                    "is false, but spec.worker.autoscaling needs the router (it reports the load and holds requests at zero replicas): remove router.enabled: false, or remove autoscaling."));
            }

            if (autoscaling is { MinReplicas: { } min, MaxReplicas: { } max } && min > max)
            {
                errors.Add(new("spec.worker.autoscaling.minReplicas", $"{min} is more than maxReplicas {max}: lower minReplicas or raise maxReplicas."));
            }

            if (autoscaling.ScaleToZeroAfter is not null && autoscaling.MinReplicas != 0)
            {
                errors.Add(new("spec.worker.autoscaling.scaleToZeroAfter",
                    "applies only with minReplicas 0: set minReplicas to 0 to let the workers scale to zero, or remove scaleToZeroAfter."));
            }

            ValidateDuration("spec.worker.autoscaling.scaleDownDelay", autoscaling.ScaleDownDelay, errors);
            ValidateDuration("spec.worker.autoscaling.scaleToZeroAfter", autoscaling.ScaleToZeroAfter, errors);
        }

        ValidateDuration("spec.router.holdTimeout", router?.HoldTimeout, errors);
        ValidateDuration("spec.router.streamIdleTimeout", router?.StreamIdleTimeout, errors);
    }

    private static void ValidateDuration(string path, string? text, List<ValidationError> errors)
    {
        if (text is not null && !Durations.TryParse(text, out _))
        {
            errors.Add(new(path, $"{SchemaRules.Quote(text)} is not a duration: write it like 30s, 5m or 1h30m."));
        }
    }

    private static void ValidateGpuCount(IntOrString? count, List<ValidationError> errors)
    {
        if (count?.Value is not { } value || value == "auto")
        {
            return;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            errors.Add(new("spec.worker.gpu.count", $"'{value}' is not a GPU count: use auto or 1."));
        }
        else if (n > 1)
        {
            errors.Add(new("spec.worker.gpu.count", $"{n} GPUs per worker needs tensor parallelism, which is not supported yet: use auto or 1, and a larger GPU or a quantized model."));
        }
    }

    private static void ValidateUi(UiSpec ui, List<ValidationError> errors)
    {
        ValidateQuantity("spec.ui.persistence.size", ui.Persistence?.Size, errors);
        if (ui.Ingress is { Enabled: true, Host: null })
        {
            errors.Add(new("spec.ui.ingress.host", "is required when the ingress is enabled."));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (ui.Env?.Count ?? 0); i++)
        {
            var name = ui.Env![i]?.Name;
            if (string.IsNullOrEmpty(name))
            {
                errors.Add(new($"spec.ui.env[{i}].name", "is required."));
            }
            else if (UiSpec.OperatorOwnedEnv.Contains(name))
            {
                errors.Add(new($"spec.ui.env[{i}].name", $"{name} is set by the operator (it wires Open WebUI to the worker and its accounts); remove it from spec.ui.env."));
            }
            else if (!seen.Add(name))
            {
                errors.Add(new($"spec.ui.env[{i}].name", $"{name} is given twice; keep one."));
            }
        }
    }

    private static void ValidateQuantity(string path, string? text, List<ValidationError> errors)
    {
        if (text is not null && !QuantityRegex().IsMatch(text))
        {
            errors.Add(new(path, $"'{text}' is not a quantity: write it like 20Gi or 500Mi."));
        }
    }

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex ServiceNameRegex();

    [GeneratedRegex(Names.QuantityPattern)]
    private static partial Regex QuantityRegex();
}
