using Parley.Api.Contracts;
using Parley.Api.Status;
using Parley.Operator.Reconciliation;
using Parley.Operator.Resources;

namespace Parley.Operator.Status;

/// <summary>Everything the status of a planned ChatDeployment is computed from, gathered once per reconcile.</summary>
/// <param name="Context">The ChatDeployment (generation, previous status), its spec with defaults applied, and the plan it runs with.</param>
/// <param name="Observed">Its Deployments as the cluster reports them.</param>
/// <param name="StepDown">Where it stands in closed-loop tuning, from its worker pods.</param>
/// <param name="Report">What a ready worker measured (<c>/v1/parley/info</c>), or null when none answered.</param>
/// <param name="Now">The time conditions and measurements are stamped with when they change.</param>
public sealed record StatusInputs(BuildContext Context, Observed Observed, StepDownState StepDown, WorkerInfo? Report, DateTime Now)
{
    /// <summary>The autoscaling state this reconcile applied (currentReplicas is filled from <see cref="Observed"/>); null without autoscaling.</summary>
    public AutoscalingStatus? Autoscaling { get; init; }

    /// <summary>Why a worker pod runs on a GPU other than the plan's (<see cref="GpuPlacement"/>); null when none does.</summary>
    public string? GpuMismatch { get; init; }
}
