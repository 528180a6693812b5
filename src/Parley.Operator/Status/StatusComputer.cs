// Status from the world, computed in one pure function: the plan (or why there is none) and the observed Deployments
// become phase, conditions, tuning, endpoints and replica counts.
using Parley.Api;
using Parley.Api.Status;
using Parley.Operator.Resources;
using Parley.Tuning;

namespace Parley.Operator.Status;

/// <summary>Computes a ChatDeployment's status.</summary>
public static class StatusComputer
{
    /// <summary>The status of a ChatDeployment that cannot run: an invalid spec or a refused plan.</summary>
    public static ChatDeploymentStatus Blocked(ChatDeployment chat, string reason, string message, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(chat);
        var conditions = new ConditionSet(chat.Status?.Conditions, chat.Metadata.Generation, now)
            .Set(ConditionTypes.Ready, false, reason, message)
            .Set(ConditionTypes.Progressing, false, reason, "Nothing is rolled out until the spec is changed.")
            .Set(ConditionTypes.Degraded, true, reason, message)
            .Set(ConditionTypes.TuningApplied, false, reason, message);
        return new ChatDeploymentStatus
        {
            Phase = Phases.Failed,
            Conditions = conditions.Conditions,
            ObservedGeneration = chat.Metadata.Generation,
            Measured = chat.Status?.Measured,
        };
    }

    /// <summary>The status of a planned ChatDeployment, from what its Deployments report.</summary>
    public static ChatDeploymentStatus Planned(BuildContext context, Observed observed, int stepDowns, string? degradedMessage, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(observed);
        var chat = context.Chat;
        var workerReady = Observed.IsAvailable(observed.Worker);
        var uiReady = !context.IsUiEnabled || Observed.IsAvailable(observed.Ui);
        var ready = workerReady && uiReady;
        var (reason, message) = ready
            ? (ConditionReasons.Serving, $"{context.Spec.Model.ServedName} serves on {context.Plan.Gpu.DisplayName} with {context.Plan.MaxModelLen:N0} tokens of context.")
            : !workerReady
                ? (ConditionReasons.WaitingForWorker, $"Waiting for {ResourceNames.Worker(chat)} to download and load the model and pass its readiness probe.")
                : (ConditionReasons.WaitingForUi, $"Waiting for {ResourceNames.Ui(chat)} to become available.");
        var conditions = new ConditionSet(chat.Status?.Conditions, chat.Metadata.Generation, now)
            .Set(ConditionTypes.Ready, ready, reason, message)
            .Set(ConditionTypes.Progressing, !ready, ready ? ConditionReasons.AsExpected : ConditionReasons.RollingOut, ready ? "Rolled out." : message)
            .Set(ConditionTypes.Degraded, degradedMessage is not null, degradedMessage is null ? ConditionReasons.AsExpected : ConditionReasons.OutOfMemoryRepeatedly, degradedMessage ?? "")
            .Set(ConditionTypes.TuningApplied, true, stepDowns > 0 ? ConditionReasons.SteppedDown : ConditionReasons.Planned, PlanSummary(context.Plan));
        return new ChatDeploymentStatus
        {
            Phase = degradedMessage is not null ? Phases.Degraded : ready ? Phases.Ready : Phases.Progressing,
            Conditions = conditions.Conditions,
            ObservedGeneration = chat.Metadata.Generation,
            Tuning = Tuning(context.Plan, stepDowns),
            Measured = chat.Status?.Measured,
            Endpoints = new EndpointsStatus { Api = WorkerService.ApiUrl(context), Ui = UiService.Url(context) },
            Replicas = observed.Worker?.Status?.Replicas ?? 0,
            ReadyReplicas = observed.Worker?.Status?.ReadyReplicas ?? 0,
        };
    }

    public static string PlanSummary(TuningPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return $"{plan.Gpu.DisplayName}: gpuMemoryUtilization {plan.GpuMemoryUtilization:0.00}, maxModelLen {plan.MaxModelLen:N0}, " +
            $"maxNumSeqs {plan.MaxNumSeqs}, {plan.KvCacheTokens:N0} KV tokens.";
    }

    public static TuningStatus Tuning(TuningPlan plan, int stepDowns)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new TuningStatus
        {
            GpuProduct = plan.Gpu.Product,
            GpuMemoryBytes = plan.GpuMemoryBytes,
            WeightsBytes = plan.WeightsBytes,
            KvBytesPerToken = plan.KvBytesPerToken,
            KvCacheTokens = plan.KvCacheTokens,
            GpuMemoryUtilization = plan.GpuMemoryUtilization,
            MaxModelLen = plan.MaxModelLen,
            MaxNumSeqs = plan.MaxNumSeqs,
            TensorParallelSize = plan.TensorParallelSize,
            StepDowns = stepDowns > 0 ? stepDowns : null,
            Reasons = plan.Reasons.ToList(),
        };
    }
}
