// Shared ChatDeployments are planned together: every reconcile of one of them plans all of them (read from the
// informer cache) against the cluster's devices, passing each one's last device from its status so that nobody moves
// without need, and takes its own assignment. The planner is pure and the inputs are the same for every member, so
// the members agree; a member whose share changed sees it in its own reconcile (the host enqueues every Shared
// ChatDeployment when one of them changes) and records a Replanned Event. Members on other GPUs see no change and write
// nothing.
using k8s.Models;
using Parley.Api;
using Parley.Api.Spec;
using Parley.Operator.Runtime;
using Parley.Tuning;
using Parley.Tuning.Sharing;

namespace Parley.Operator.Planning;

/// <summary>The joint plan of the Shared ChatDeployments, seen from one of them.</summary>
public static class SharedPlanning
{
    public static bool IsShared(ChatDeployment chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        return chat.Spec?.Worker?.Gpu?.Sharing == GpuSharing.Shared && !chat.IsBeingDeleted;
    }

    /// <summary>The plan of <paramref name="chat"/> within the joint plan of every Shared ChatDeployment in <paramref name="all"/>.</summary>
    public static PlanResult PlanFor(ChatDeployment chat, IEnumerable<ChatDeployment> all, IEnumerable<V1Node> nodes)
    {
        ArgumentNullException.ThrowIfNull(chat);
        var key = ObjectKeys.KeyOf(chat);
        var members = all.Where(IsShared).Where(member => ObjectKeys.KeyOf(member) != key).Append(chat)
            .OrderBy(ObjectKeys.KeyOf, StringComparer.Ordinal)
            .ToList();
        var requests = members.Select(member => new SharedRequest(ObjectKeys.KeyOf(member), Defaults.Apply(member.Spec))).ToList();
        var previous = members
            .Where(member => member.Status?.Tuning is { GpuNode: not null, GpuDevice: not null })
            .ToDictionary(ObjectKeys.KeyOf, member => $"{member.Status!.Tuning!.GpuNode}/{member.Status.Tuning.GpuDevice}");
        var plan = SharedPlanner.Plan(requests, NodeInventory.ReadDevices(nodes), previous);
        if (plan.For(key) is { } assignment)
        {
            return PlanResult.Of(assignment.Plan);
        }

        var refusal = plan.Refusals[key];
        return PlanResult.Refused(refusal.Reason, refusal.Message);
    }
}
