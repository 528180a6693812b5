// The GPUs a cluster offers, read from its Node objects: GPU Feature Discovery's labels and the NVIDIA device plugin's
// allocatable resource. This is where Kubernetes types become the planner's GpuInventory (Parley.Tuning knows no
// Kubernetes types).
using System.Globalization;
using k8s.Models;
using Parley.Tuning;
using Parley.Tuning.Catalog;
using Parley.Tuning.Sharing;

namespace Parley.Operator.Planning;

/// <summary>Builds a <see cref="GpuInventory"/> from Nodes.</summary>
public static class NodeInventory
{
    /// <summary>
    /// Reads GPU nodes. Labels win over the catalog: <c>nvidia.com/gpu.memory</c> over the product's catalog memory, and
    /// allocatable <c>nvidia.com/gpu</c> over <c>nvidia.com/gpu.count</c>. Nodes that are cordoned, not Ready, without
    /// allocatable GPUs, or whose GPU memory is unknown are left out.
    /// </summary>
    public static GpuInventory Read(IEnumerable<V1Node> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        return new(nodes.Select(ToGpuNode).OfType<GpuNode>());
    }

    /// <summary>The physical GPUs and MIG slices Shared workers may be placed on, with each node's sharing read from its
    /// GPU Feature Discovery labels; the same nodes are left out as by <see cref="Read"/>.</summary>
    public static IReadOnlyList<PhysicalGpu> ReadDevices(IEnumerable<V1Node> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        return nodes
            .Where(node => node.Spec?.Unschedulable != true && IsReady(node))
            .SelectMany(node => SharedGpuInventory.FromNode(node.Metadata?.Name ?? "", node.Metadata?.Labels?.AsReadOnly() ?? EmptyLabels, AllocatableGpus(node)))
            .ToList();
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyLabels = new Dictionary<string, string>();

    private static GpuNode? ToGpuNode(V1Node node)
    {
        var labels = node.Metadata?.Labels ?? new Dictionary<string, string>();
        if (node.Spec?.Unschedulable == true || !IsReady(node) || !labels.TryGetValue(GpuInventory.ProductLabel, out var product))
        {
            return null;
        }

        var catalog = GpuCatalog.Find(product);
        var memoryBytes = labels.TryGetValue(GpuInventory.MemoryLabel, out var mib) && long.TryParse(mib, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m > 0
            ? m * Bytes.MiB
            : catalog?.MemoryBytes;
        var count = AllocatableGpus(node)
            ?? (labels.TryGetValue(GpuInventory.CountLabel, out var c) && int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0);
        if (memoryBytes is null || count <= 0)
        {
            return null;
        }

        var nominal = catalog?.NominalGiB ?? (int)Math.Round(Bytes.ToGiB(memoryBytes.Value));
        return new GpuNode(node.Metadata?.Name ?? "", product, catalog?.DisplayName ?? product.Replace('-', ' '), memoryBytes.Value, count, nominal);
    }

    private static int? AllocatableGpus(V1Node node) =>
        node.Status?.Allocatable is { } allocatable && allocatable.TryGetValue(GpuInventory.GpuResource, out var quantity)
            ? (int)quantity.ToInt64()
            : null;

    // A node without conditions (as in a hand-written inventory file) counts as Ready.
    private static bool IsReady(V1Node node) =>
        node.Status?.Conditions?.FirstOrDefault(condition => condition.Type == "Ready") is not { } ready || ready.Status == "True";
}
