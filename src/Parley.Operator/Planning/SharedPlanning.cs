// Shared ChatDeployments are planned together: every reconcile of one of them plans all of them (read from the
// informer cache) against the cluster's devices, passing each one's last device from its status so that nobody moves
// without need, and takes its own assignment. The planner is pure and the inputs are the same for every member, so
// the members agree; a member whose share changed sees it in its own reconcile (the host enqueues every Shared
// ChatDeployment when one of them changes) and records a Replanned Event. Members on other GPUs see no change and write
// nothing. Devices that Exclusive workers hold are left out (ExclusiveOccupancy).
using k8s.Models;
using Parley.Api;
using Parley.Api.Spec;
using Parley.Operator.Resources;
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
        return IsSharedBySpec(chat) && !chat.IsBeingDeleted;
    }

    /// <summary>Whether the spec asks for a shared GPU, whether or not the ChatDeployment is being deleted.</summary>
    public static bool IsSharedBySpec(ChatDeployment chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        return chat.Spec?.Worker?.Gpu?.Sharing == GpuSharing.Shared;
    }

    /// <summary>The plan of <paramref name="chat"/> within the joint plan of every Shared ChatDeployment in <paramref name="all"/>.</summary>
    /// <param name="chat">The Shared ChatDeployment being reconciled.</param>
    /// <param name="all">Every ChatDeployment (the cache).</param>
    /// <param name="nodes">Every node (the cache).</param>
    /// <param name="workerPods">Every ChatDeployment's worker pods (the cache): those of Exclusive ones hold devices.</param>
    public static PlanResult PlanFor(ChatDeployment chat, IReadOnlyCollection<ChatDeployment> all, IEnumerable<V1Node> nodes, IEnumerable<V1Pod> workerPods)
    {
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(workerPods);
        var key = ObjectKeys.KeyOf(chat);
        var members = all.Where(IsShared).Where(member => ObjectKeys.KeyOf(member) != key).Append(chat)
            .OrderBy(ObjectKeys.KeyOf, StringComparer.Ordinal)
            .ToList();
        var requests = members.Select(member => new SharedRequest(ObjectKeys.KeyOf(member), Defaults.Apply(member.Spec))).ToList();
        var previous = members
            .Where(member => member.Status?.Tuning is { GpuNode: not null, GpuDevice: not null })
            .ToDictionary(ObjectKeys.KeyOf, member => $"{member.Status!.Tuning!.GpuNode}/{member.Status.Tuning.GpuDevice}");
        // Exclusive by spec, being deleted or not: a Shared ChatDeployment being deleted keeps its share until its pods
        // are gone, and a pod whose ChatDeployment is gone is left out (a Shared worker's start waits for its memory).
        var exclusiveKeys = all.Where(other => !IsSharedBySpec(other)).Select(ObjectKeys.KeyOf).ToHashSet(StringComparer.Ordinal);
        var exclusivePods = workerPods.Where(pod => exclusiveKeys.Contains(ChatKeyOf(pod)));
        var occupancy = ExclusiveOccupancy.Of(NodeInventory.ReadDevices(nodes), exclusivePods, previous.Values.ToHashSet(StringComparer.Ordinal));
        var plan = SharedPlanner.Plan(requests, occupancy.Free, previous);
        if (plan.For(key) is { } assignment)
        {
            return PlanResult.Of(assignment.Plan);
        }

        var refusal = plan.Refusals[key];
        if (refusal.Reason == ConditionReasons.NoGpuNodes && occupancy.Free.Count == 0 && occupancy.HeldBy.Count > 0)
        {
            var held = string.Join(", ", occupancy.HeldBy.Select(pair => $"{pair.Key} by {pair.Value}"));
            return PlanResult.Refused(ConditionReasons.NoGpuNodes,
                $"{key}: every GPU Shared workers could use is held by an Exclusive worker ({held}). An Exclusive worker is planned for a whole GPU " +
                "and time-slicing isolates no memory, so nothing is placed beside it: set its spec.worker.gpu.sharing to Shared too, pin it to other nodes, or add a GPU.");
        }

        return PlanResult.Refused(refusal.Reason, refusal.Message);
    }

    /// <summary>The key of the ChatDeployment a worker pod belongs to (its namespace and <see cref="Labels.Chat"/> label).</summary>
    public static string ChatKeyOf(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return ObjectKeys.Key(pod.Metadata.NamespaceProperty, pod.Metadata.Labels?.TryGetValue(Labels.Chat, out var name) == true ? name : "");
    }
}
