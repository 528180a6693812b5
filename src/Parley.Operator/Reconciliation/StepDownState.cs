// Where a ChatDeployment stands in closed-loop tuning, from its last status and its worker pods: how many step-downs,
// the latest GPU out-of-memory seen, and whether it is Degraded (out of memory again after the last step).
using k8s.Models;
using Parley.Api;
using Parley.Api.Status;

namespace Parley.Operator.Reconciliation;

/// <summary>The step-down count, the latest GPU out-of-memory termination, and the Degraded message if any.</summary>
public sealed record StepDownState(int StepDowns, DateTime? LastOutOfMemoryAt, string? DegradedMessage)
{
    public static StepDownState None { get; } = new(0, null, null);

    /// <summary>Counts a GPU out-of-memory termination newer than the last one recorded as one more step-down; past the
    /// limit, reports Degraded instead (and keeps reporting it until the spec changes the plan).</summary>
    public static StepDownState From(ChatDeploymentStatus? previous, IEnumerable<V1Pod> pods)
    {
        var steps = previous?.Tuning?.StepDowns ?? 0;
        var lastOom = previous?.Tuning?.LastOutOfMemoryAt;
        if (StepDown.LatestOutOfMemory(pods, lastOom) is { } oom)
        {
            return steps >= StepDown.MaxStepDowns
                ? new(steps, oom, $"The worker ran out of GPU memory again after {steps} step-downs; lower spec.worker.tuning.maxModelLen or maxNumSeqs, or use a larger GPU.")
                : new(steps + 1, oom, null);
        }

        var degraded = steps >= StepDown.MaxStepDowns && previous?.Phase == Phases.Degraded
            ? previous.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Degraded)?.Message
            : null;
        return new(steps, lastOom, degraded);
    }

    /// <summary>The same state, Degraded with <paramref name="message"/>.</summary>
    public StepDownState Degraded(string message) => this with { DegradedMessage = message };
}
