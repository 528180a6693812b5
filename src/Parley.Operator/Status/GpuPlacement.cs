// Every worker replica runs the same tuning plan, made for one GPU product. The worker Deployment selects that product's
// node label, so a pod lands elsewhere only when a node's label changed after scheduling (GPU Feature Discovery
// relabelled it: a swapped card, time-slicing turned on and "-SHARED" added) or a pod was placed by hand. Such a
// replica runs with a memory budget sized for another GPU, so it is reported as Degraded with what to do.
using k8s.Models;
using Parley.Tuning;

namespace Parley.Operator.Status;

/// <summary>Finds worker pods on nodes whose GPU product is not the plan's.</summary>
public static class GpuPlacement
{
    /// <summary>A sentence naming the first misplaced worker pod, or null when every scheduled pod is on the planned product.</summary>
    /// <param name="pods">The ChatDeployment's worker pods.</param>
    /// <param name="nodeOf">Looks a node up by name (the node cache).</param>
    /// <param name="plannedProduct">The plan's <c>nvidia.com/gpu.product</c>.</param>
    public static string? Mismatch(IEnumerable<V1Pod> pods, Func<string, V1Node?> nodeOf, string plannedProduct)
    {
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(nodeOf);
        foreach (var pod in pods.Where(p => p.Metadata.DeletionTimestamp is null && !string.IsNullOrEmpty(p.Spec?.NodeName)))
        {
            var nodeName = pod.Spec.NodeName;
            if (nodeOf(nodeName) is not { } node)
            {
                continue; // Not in the cache yet; the node's watch event brings the check back.
            }

            var product = node.Metadata.Labels?.TryGetValue(GpuInventory.ProductLabel, out var label) == true ? label : null;
            if (product != plannedProduct)
            {
                return $"Worker pod {pod.Metadata.Name} runs on node {nodeName}, whose GPU is {product ?? "not labelled"}, but the plan is for " +
                    $"{plannedProduct}: every replica gets the same tuning. Delete the pod so it is scheduled on a {plannedProduct} node, " +
                    "or fix the node's labels.";
            }
        }

        return null;
    }
}
