// Which Events a status change deserves: a first plan, a changed plan, a step-down, a refusal, a degradation.
using Parley.Api;
using Parley.Api.Status;

namespace Parley.Operator.Reconciliation;

/// <summary>Derives the Events to record from the previous and the new status.</summary>
public static class Decisions
{
    public static IReadOnlyList<(bool IsWarning, string Reason, string Message)> Between(ChatDeploymentStatus? before, ChatDeploymentStatus after)
    {
        ArgumentNullException.ThrowIfNull(after);
        var events = new List<(bool, string, string)>();
        var applied = Condition(after, ConditionTypes.TuningApplied);
        var previouslyApplied = Condition(before, ConditionTypes.TuningApplied);
        if (applied is { Status: "False" })
        {
            if (previouslyApplied?.Status != "False" || previouslyApplied.Message != applied.Message)
            {
                events.Add((true, applied.Reason, applied.Message));
            }

            return events;
        }

        if (after.Tuning is { } tuning && !SamePlan(before?.Tuning, tuning))
        {
            var reason = (tuning.StepDowns ?? 0) > (before?.Tuning?.StepDowns ?? 0) ? ConditionReasons.SteppedDown
                : before?.Tuning is null ? ConditionReasons.Planned : ConditionReasons.Replanned;
            events.Add((reason == ConditionReasons.SteppedDown, reason, applied?.Message ?? ""));
        }

        var degraded = Condition(after, ConditionTypes.Degraded);
        if (degraded is { Status: "True" } && Condition(before, ConditionTypes.Degraded)?.Status != "True")
        {
            events.Add((true, degraded.Reason, degraded.Message));
        }

        return events;
    }

    private static k8s.Models.V1Condition? Condition(ChatDeploymentStatus? status, string type) =>
        status?.Conditions?.FirstOrDefault(condition => condition.Type == type);

    private static bool SamePlan(TuningStatus? before, TuningStatus after) =>
        before is not null && before.GpuProduct == after.GpuProduct && before.GpuMemoryUtilization == after.GpuMemoryUtilization
        && before.MaxModelLen == after.MaxModelLen && before.MaxNumSeqs == after.MaxNumSeqs && before.StepDowns == after.StepDowns
        && before.MemoryShareBytes == after.MemoryShareBytes && before.GpuNode == after.GpuNode && before.GpuDevice == after.GpuDevice
        && before.MaxLoras == after.MaxLoras && before.MaxLoraRank == after.MaxLoraRank;
}
