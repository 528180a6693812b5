// Nodes change all the time (heartbeats, images, conditions the planner ignores); only a change to what the planner
// reads — GPU labels, allocatable GPUs, cordoning, readiness — is worth re-planning every ChatDeployment for.
using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Parley.Tuning;

namespace Parley.Operator.Runtime;

/// <summary>Remembers each node's planner-relevant facts and says when they change.</summary>
public sealed class NodeFacts
{
    private readonly ConcurrentDictionary<string, string> _facts = new(StringComparer.Ordinal);

    /// <summary>Whether this event changes what the planner would see (always true for an added or deleted node).</summary>
    public bool HasChanged(WatchEventType type, V1Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var name = node.Metadata?.Name ?? "";
        if (type == WatchEventType.Deleted)
        {
            return _facts.TryRemove(name, out _);
        }

        var facts = Of(node);
        var previous = _facts.GetValueOrDefault(name);
        _facts[name] = facts;
        return previous != facts;
    }

    /// <summary>The facts GpuInventory reads, as one comparable string.</summary>
    public static string Of(V1Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var labels = node.Metadata?.Labels ?? new Dictionary<string, string>();
        string Label(string key) => labels.TryGetValue(key, out var value) ? value : "";
        var allocatable = node.Status?.Allocatable?.TryGetValue(GpuInventory.GpuResource, out var gpus) == true ? gpus.ToString() : "";
        var ready = node.Status?.Conditions?.FirstOrDefault(condition => condition.Type == "Ready")?.Status ?? "";
        return string.Join('|', Label(GpuInventory.ProductLabel), Label(GpuInventory.MemoryLabel), Label(GpuInventory.CountLabel),
            allocatable, node.Spec?.Unschedulable == true, ready);
    }
}
