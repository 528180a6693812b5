// Status from the world, computed once per reconcile by pure functions: the plan (or why there is none), the observed
// Deployments, the step-down state and the worker's report become phase, conditions, tuning, measurements, endpoints and
// replica counts.
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
            // The replica count the autoscaler chose stays, so a spec fixed later resumes from it.
            Autoscaling = chat.Status?.Autoscaling,
        };
    }

    /// <summary>The status of a planned ChatDeployment: readiness from its Deployments, tuning from the plan and the
    /// step-down state, measurements from the worker's report (the previous ones when it did not answer).</summary>
    public static ChatDeploymentStatus Compute(StatusInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var (context, observed, stepDown, report, now) = inputs;
        var chat = context.Chat;
        // Scaled to zero is a resting state, not a rollout: the router holds the next request and wakes a worker.
        var atZero = inputs.Autoscaling?.DesiredReplicas == 0;
        var workerReady = atZero || Observed.IsAvailable(observed.Worker);
        var uiReady = !context.IsUiEnabled || Observed.IsAvailable(observed.Ui);
        // With routing on, the API Service selects the router: nothing is served (or held at zero) until it is available.
        var routerReady = !context.IsRoutingEnabled || Observed.IsAvailable(observed.Router);
        var ready = workerReady && uiReady && routerReady;
        var (reason, message) = ReadyReason(context, atZero, workerReady, uiReady, routerReady);
        var degraded = stepDown.DegradedMessage;
        var degradedReason = degraded is not null ? ConditionReasons.OutOfMemoryRepeatedly : ConditionReasons.GpuMismatch;
        degraded ??= inputs.GpuMismatch;
        var conditions = new ConditionSet(chat.Status?.Conditions, chat.Metadata.Generation, now)
            .Set(ConditionTypes.Ready, ready, reason, message)
            .Set(ConditionTypes.Progressing, !ready, ready ? ConditionReasons.AsExpected : ConditionReasons.RollingOut, ready ? "Rolled out." : message)
            .Set(ConditionTypes.Degraded, degraded is not null, degraded is null ? ConditionReasons.AsExpected : degradedReason, degraded ?? "")
            .Set(ConditionTypes.TuningApplied, true, stepDown.StepDowns > 0 ? ConditionReasons.SteppedDown : ConditionReasons.Planned, PlanSummary(context.Plan));
        var tuning = Tuning(context.Plan, stepDown.StepDowns);
        tuning.LastOutOfMemoryAt = stepDown.LastOutOfMemoryAt;
        return new ChatDeploymentStatus
        {
            Phase = degraded is not null ? Phases.Degraded : ready ? Phases.Ready : Phases.Progressing,
            Conditions = conditions.Conditions,
            ObservedGeneration = chat.Metadata.Generation,
            Tuning = tuning,
            Measured = report is null ? chat.Status?.Measured : Measurement.From(report, chat.Status?.Measured, now),
            Adapters = Adapters(context),
            Endpoints = new EndpointsStatus { Api = ApiService.Url(context), Ui = UiService.Url(context) },
            Replicas = observed.Worker?.Status?.Replicas ?? 0,
            ReadyReplicas = observed.Worker?.Status?.ReadyReplicas ?? 0,
            Autoscaling = inputs.Autoscaling is { } autoscaling ? WithCurrent(autoscaling, observed) : null,
        };
    }

    /// <summary>The adapters the worker is started with; null without any, so such a status reads as before.</summary>
    public static List<AdapterStatus>? Adapters(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var placements = WorkerAdapters.Placements(context);
        return placements.Count == 0
            ? null
            : placements.Select(adapter => new AdapterStatus { Name = adapter.Name, Source = adapter.Source, Path = adapter.Path }).ToList();
    }

    private static (string Reason, string Message) ReadyReason(BuildContext context, bool atZero, bool workerReady, bool uiReady, bool routerReady)
    {
        var adapters = context.Spec.Model.Adapters ?? [];
        var served = context.Spec.Model.ServedName + (adapters.Count == 0 ? "" : $" with LoRA adapters {string.Join(", ", adapters.Select(adapter => adapter.Name))}");
        return (workerReady, uiReady, routerReady) switch
        {
            (true, true, true) when atZero => (ConditionReasons.ScaledToZero, $"No worker runs after the idle time; the router holds the next request for {served} and wakes one."),
            (true, true, true) => (ConditionReasons.Serving, $"{served} serves on {context.Plan.Gpu.DisplayName} with {context.Plan.MaxModelLen:N0} tokens of context."),
            (false, _, _) => (ConditionReasons.WaitingForWorker, $"Waiting for {ResourceNames.Worker(context.Chat)} to download and load the model and pass its readiness probe."),
            (_, _, false) => (ConditionReasons.WaitingForRouter, $"Waiting for {ResourceNames.Router(context.Chat)} to become available: the API Service {ResourceNames.Api(context.Chat)} sends every request through it."),
            _ => (ConditionReasons.WaitingForUi, $"Waiting for {ResourceNames.Ui(context.Chat)} to become available."),
        };
    }

    private static AutoscalingStatus WithCurrent(AutoscalingStatus autoscaling, Observed observed) => new()
    {
        CurrentReplicas = observed.Worker?.Status?.Replicas ?? 0,
        DesiredReplicas = autoscaling.DesiredReplicas,
        LastScaleTime = autoscaling.LastScaleTime,
        LastDecision = autoscaling.LastDecision,
    };

    public static string PlanSummary(TuningPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var adapters = plan.Lora is { } lora ? $", maxLoras {lora.MaxLoras} at maxLoraRank {lora.MaxLoraRank}" : "";
        return $"{plan.Gpu.DisplayName}: gpuMemoryUtilization {plan.GpuMemoryUtilization:0.00}, maxModelLen {plan.MaxModelLen:N0}, " +
            $"maxNumSeqs {plan.MaxNumSeqs}{adapters}, {plan.KvCacheTokens:N0} KV tokens.";
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
            MaxLoras = plan.Lora?.MaxLoras,
            MaxLoraRank = plan.Lora?.MaxLoraRank,
            AdapterBytes = plan.Lora is null ? null : plan.AdapterBytes,
            StepDowns = stepDowns > 0 ? stepDowns : null,
            GpuNode = plan.Share?.Gpu.NodeName,
            GpuDevice = plan.Share?.Gpu.DeviceId,
            MemoryShareBytes = plan.Share?.ShareBytes,
            MemoryShareFraction = plan.Share is { } share ? Math.Round(share.Fraction, 4) : null,
            SharedWith = plan.Share?.Neighbours.ToList(),
            Reasons = plan.Reasons.ToList(),
        };
    }
}
