// The planner: model + GPU inventory + tuning request -> TuningPlan, or a refusal that says what would fit.
//
// GPU choice: of the GPU classes that pass the spec's product pin and minimum memory, the smallest whose plan meets the
// request (weights fit; the context asked for, or at least 4,096 tokens, fits targetConcurrency times). Bigger GPUs
// stay free for bigger models; tensor parallelism is not used, so one GPU must hold the whole model.
using Parley.Api;
using Parley.Api.Spec;
using Parley.Tuning.Catalog;

namespace Parley.Tuning;

/// <summary>Plans GPU, memory utilization, context and batch size for a ChatDeployment. Pure.</summary>
public static class Planner
{
    /// <summary>Plans for a spec whose defaults are applied (see <see cref="Defaults.Apply"/>).</summary>
    public static PlanResult Plan(ChatDeploymentSpec spec, GpuInventory inventory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(inventory);
        var model = ModelResolver.Resolve(spec.Model, out var refusal);
        if (model is null)
        {
            return PlanResult.Refused(refusal!.Reason, refusal.Message);
        }

        var tuning = spec.Worker?.Tuning ?? new TuningSpec();
        var limit = model.Architecture.MaxPositionEmbeddings;
        if (tuning.MaxModelLen > limit)
        {
            return PlanResult.Refused(ConditionReasons.InvalidSpec,
                $"spec.worker.tuning.maxModelLen {tuning.MaxModelLen:N0} exceeds {model.Architecture.ShortName}'s limit of {limit:N0} tokens (max_position_embeddings); lower it or leave it unset.");
        }

        var candidates = Candidates(inventory, spec.Worker?.Gpu);
        if (candidates.Count == 0)
        {
            return PlanResult.Refused(ConditionReasons.NoGpuNodes, Refusals.NoCandidates(inventory, spec.Worker?.Gpu));
        }

        var lora = LoraOf(spec);
        PlanAttempt? last = null;
        foreach (var gpu in candidates)
        {
            last = PlanAttempt.On(gpu, model, tuning, lora);
            if (last.Plan is not null)
            {
                return PlanResult.Of(last.Plan with { Reasons = [PlanExplanation.Choice(gpu, candidates, spec.Worker?.Gpu), .. last.Plan.Reasons] });
            }
        }

        return PlanResult.Refused(ConditionReasons.InsufficientGpuMemory, Refusals.NothingFits(last!, model, tuning, lora));
    }

    /// <summary>The adapters the spec declares, with its LoRA limits or their defaults; null without adapters.</summary>
    public static LoraRequest? LoraOf(ChatDeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!LoraAdapters.HasAdapters(spec.Model))
        {
            return null;
        }

        var count = spec.Model.Adapters!.Count;
        var tuning = spec.Worker?.Tuning;
        return new LoraRequest(count, tuning?.MaxLoras ?? LoraAdapters.DefaultMaxLoras(count), tuning?.MaxLoraRank ?? LoraAdapters.DefaultMaxRank);
    }

    /// <summary>GPU classes allowed by the pin and the minimum memory, smallest first.</summary>
    public static IReadOnlyList<GpuClass> Candidates(GpuInventory inventory, GpuSpec? request)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        var pinned = request?.Product is { } product ? GpuCatalog.Find(product)?.Label ?? product : null;
        return inventory.Classes
            .Where(gpu => pinned is null || GpuCatalog.WithoutSharingSuffix(gpu.Product).Equals(pinned, StringComparison.OrdinalIgnoreCase))
            .Where(gpu => request?.MinMemoryGiB is not { } min || gpu.NominalGiB >= min)
            .ToList();
    }
}
