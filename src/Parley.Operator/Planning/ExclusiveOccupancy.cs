// Exclusive workers on devices Shared ones could use. An Exclusive worker is planned for a whole GPU (its
// gpuMemoryUtilization of the card), and time-slicing isolates no memory, so a Shared worker placed beside it would run
// out of memory at start, or push it over. The device plugin does not say which of a node's devices it gave a pod, so
// each running Exclusive worker pod takes one device of its node out of the joint plan: one of the resource it asked
// for, and one no Shared worker was placed on before, where there is such a device, so Shared workers stay where they
// are whenever they can.
using k8s.Models;
using Parley.Tuning.Sharing;

namespace Parley.Operator.Planning;

/// <summary>What Shared planning may use once Exclusive workers are counted.</summary>
/// <param name="Free">The devices left, in their order.</param>
/// <param name="HeldBy">Each device taken out, by id, with the pod (<c>namespace/name</c>) that holds it.</param>
public sealed record Occupancy(IReadOnlyList<PhysicalGpu> Free, IReadOnlyDictionary<string, string> HeldBy);

/// <summary>Removes the devices Exclusive workers hold from what Shared planning may use.</summary>
public static class ExclusiveOccupancy
{
    /// <param name="devices">Every device Shared workers could use.</param>
    /// <param name="exclusivePods">Worker pods of ChatDeployments that are not Shared.</param>
    /// <param name="placedIds">Device ids (<see cref="PhysicalGpu.Id"/>) Shared workers were placed on last time.</param>
    public static Occupancy Of(IReadOnlyList<PhysicalGpu> devices, IEnumerable<V1Pod> exclusivePods, IReadOnlyCollection<string> placedIds)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(exclusivePods);
        ArgumentNullException.ThrowIfNull(placedIds);
        var taken = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pod in exclusivePods.Where(HoldsADevice).OrderBy(pod => pod.Metadata.Name, StringComparer.Ordinal))
        {
            var asked = (pod.Spec.Containers ?? []).SelectMany(container => container.Resources?.Limits?.Keys ?? []).ToHashSet(StringComparer.Ordinal);
            var device = devices
                .Where(device => device.NodeName == pod.Spec.NodeName && !taken.ContainsKey(device.Id))
                .OrderBy(device => asked.Contains(device.ResourceName) ? 0 : 1)
                .ThenBy(device => placedIds.Contains(device.Id) ? 1 : 0)
                .ThenBy(device => device.Id, StringComparer.Ordinal)
                .FirstOrDefault();
            if (device is not null)
            {
                taken[device.Id] = $"{pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}";
            }
        }

        return new(taken.Count == 0 ? devices : devices.Where(device => !taken.ContainsKey(device.Id)).ToList(), taken);
    }

    // Scheduled, not finished, not being deleted: a pod that holds (or is about to hold) its device's memory.
    private static bool HoldsADevice(V1Pod pod) =>
        !string.IsNullOrEmpty(pod.Spec?.NodeName) && pod.Metadata?.DeletionTimestamp is null
        && pod.Status?.Phase is not ("Succeeded" or "Failed");
}
