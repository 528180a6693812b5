// Closed-loop tuning after GPU out-of-memory. A worker that dies of it writes a line saying so to its termination
// message; each new such termination steps the plan down once: first 0.04 less gpuMemoryUtilization (twice), then half
// the context. After three step-downs the ChatDeployment is Degraded and a person decides.
using k8s.Models;
using Parley.Api.Contracts;
using Parley.Api.Serialization;
using Parley.Api.Spec;
using Parley.Tuning;

namespace Parley.Operator.Reconciliation;

/// <summary>Detects GPU out-of-memory terminations and lowers the plan.</summary>
public static class StepDown
{
    public const int MaxStepDowns = 3;
    public const double UtilizationStep = 0.04;

    /// <summary>The latest GPU out-of-memory termination among the pods, after <paramref name="since"/>.</summary>
    public static DateTime? LatestOutOfMemory(IEnumerable<V1Pod> pods, DateTime? since)
    {
        ArgumentNullException.ThrowIfNull(pods);
        return pods
            .SelectMany(pod => pod.Status?.ContainerStatuses ?? [])
            .SelectMany(status => new[] { status.LastState?.Terminated, status.State?.Terminated })
            .OfType<V1ContainerStateTerminated>()
            .Where(terminated => IsGpuOutOfMemory(terminated.Message))
            .Select(terminated => terminated.FinishedAt ?? DateTime.MinValue)
            .Where(finished => since is null || finished > since)
            .DefaultIfEmpty()
            .Max() is var latest && latest != default ? latest : null;
    }

    /// <summary>Whether a termination message reports GPU memory exhaustion (the worker's line, or CUDA's wording).</summary>
    public static bool IsGpuOutOfMemory(string? message) => OutOfMemoryTermination.Matches(message);

    /// <summary>The tuning request for the <paramref name="steps"/>-th step-down of <paramref name="basePlan"/>, on the same GPU.</summary>
    public static TuningSpec Lower(TuningSpec requested, TuningPlan basePlan, int steps)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(basePlan);
        var utilizationSteps = Math.Min(steps, 2);
        return new TuningSpec
        {
            Mode = TuningMode.Manual,
            GpuMemoryUtilization = Math.Round(basePlan.GpuMemoryUtilization - UtilizationStep * utilizationSteps, 2),
            MaxModelLen = steps >= 3 ? (int)KvBudget.RoundDownToBlock(basePlan.MaxModelLen / 2) : basePlan.MaxModelLen,
            MaxNumSeqs = requested.MaxNumSeqs ?? basePlan.MaxNumSeqs,
            TargetConcurrency = requested.TargetConcurrency,
            // The adapters stay as declared: stepping down trades context for memory, never a served model.
            MaxLoras = requested.MaxLoras,
            MaxLoraRank = requested.MaxLoraRank,
        };
    }

    /// <summary>The plan after <see cref="StepDownState.StepDowns"/> step-downs of <paramref name="basePlan"/> on the same GPU; the
    /// base plan, Degraded, when no lower plan fits.</summary>
    /// <param name="spec">The spec with defaults applied.</param>
    /// <param name="inventory">The GPUs the base plan was made on.</param>
    /// <param name="basePlan">The plan before any step-down.</param>
    /// <param name="state">How many step-downs to take.</param>
    public static (TuningPlan Plan, StepDownState State) Replan(ChatDeploymentSpec spec, GpuInventory inventory, TuningPlan basePlan, StepDownState state)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(basePlan);
        ArgumentNullException.ThrowIfNull(state);
        if (state.StepDowns == 0)
        {
            return (basePlan, state);
        }

        if (basePlan.Share is { } share)
        {
            // Lowering one Shared worker's fraction would hand its memory to nobody; a shared GPU is re-divided only by
            // the joint plan, so a person decides.
            return (basePlan, state.Degraded($"The worker ran out of GPU memory inside its share of {share.ShareBytes:N0} bytes on {share.Gpu.Id}; " +
                "shares are not stepped down yet: lower spec.worker.tuning.targetConcurrency or maxModelLen, or set spec.worker.gpu.sharing to Exclusive."));
        }

        var lowered = Manifests.FromJson<ChatDeploymentSpec>(Manifests.ToJson(spec)); // a copy: the caller's spec builds the objects
        lowered.Worker!.Tuning = Lower(spec.Worker!.Tuning!, basePlan, state.StepDowns);
        lowered.Worker.Gpu!.Product = basePlan.Gpu.Product;
        var result = Planner.Plan(lowered, inventory);
        return result.Plan is { } plan
            ? (plan, state)
            : (basePlan, state.Degraded($"Stepping down after GPU out-of-memory found no plan: {result.Refusal!.Message}"));
    }
}
