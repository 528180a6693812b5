// The GPUs a cluster offers, read from node labels (GPU Feature Discovery) and allocatable resources (device plugin).
using System.Globalization;
using k8s.Models;
using Parley.Tuning.Catalog;

namespace Parley.Tuning;

/// <summary>One schedulable node's GPUs.</summary>
public sealed record GpuNode(string NodeName, string Product, string DisplayName, long MemoryBytes, int GpuCount, int NominalGiB);

/// <summary>GPUs of one product and size across nodes: the unit the planner chooses between.</summary>
public sealed record GpuClass(string Product, string DisplayName, long MemoryBytes, int NominalGiB, int NodeCount, int GpuCount);

/// <summary>The GPU classes available for scheduling.</summary>
public sealed class GpuInventory
{
    public const string ProductLabel = "nvidia.com/gpu.product";
    public const string MemoryLabel = "nvidia.com/gpu.memory";
    public const string CountLabel = "nvidia.com/gpu.count";
    public const string GpuResource = "nvidia.com/gpu";

    public GpuInventory(IEnumerable<GpuNode> nodes)
    {
        Nodes = nodes.ToList();
        Classes = Nodes
            .GroupBy(node => (node.Product, node.MemoryBytes))
            .Select(group => new GpuClass(group.Key.Product, group.First().DisplayName, group.Key.MemoryBytes, group.First().NominalGiB,
                group.Count(), group.Sum(node => node.GpuCount)))
            .OrderBy(gpu => gpu.MemoryBytes)
            .ThenBy(gpu => gpu.Product, StringComparer.Ordinal)
            .ToList();
    }

    public IReadOnlyList<GpuNode> Nodes { get; }

    /// <summary>Classes ordered smallest memory first.</summary>
    public IReadOnlyList<GpuClass> Classes { get; }

    /// <summary>An inventory of one node holding <paramref name="count"/> GPUs of a catalog product (for the CLI).</summary>
    public static GpuInventory Of(GpuProduct product, int count = 1)
    {
        ArgumentNullException.ThrowIfNull(product);
        return new([new GpuNode("node-0", product.Label, product.DisplayName, product.MemoryBytes, count, product.NominalGiB)]);
    }

    /// <summary>
    /// Reads GPU nodes. Labels win over the catalog: <c>nvidia.com/gpu.memory</c> over the product's catalog memory, and
    /// allocatable <c>nvidia.com/gpu</c> over <c>nvidia.com/gpu.count</c>. Nodes that are cordoned, not Ready, without
    /// allocatable GPUs, or whose GPU memory is unknown are left out.
    /// </summary>
    public static GpuInventory FromNodes(IEnumerable<V1Node> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        return new(nodes.Select(ToGpuNode).OfType<GpuNode>());
    }

    private static GpuNode? ToGpuNode(V1Node node)
    {
        var labels = node.Metadata?.Labels ?? new Dictionary<string, string>();
        if (node.Spec?.Unschedulable == true || !IsReady(node) || !labels.TryGetValue(ProductLabel, out var product))
        {
            return null;
        }

        var catalog = GpuCatalog.Find(product);
        var memoryBytes = labels.TryGetValue(MemoryLabel, out var mib) && long.TryParse(mib, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m > 0
            ? m * Bytes.MiB
            : catalog?.MemoryBytes;
        var count = AllocatableGpus(node) ?? (labels.TryGetValue(CountLabel, out var c) && int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0);
        if (memoryBytes is null || count <= 0)
        {
            return null;
        }

        var nominal = catalog?.NominalGiB ?? (int)Math.Round(Bytes.ToGiB(memoryBytes.Value));
        return new GpuNode(node.Metadata?.Name ?? "", product, catalog?.DisplayName ?? product.Replace('-', ' '), memoryBytes.Value, count, nominal);
    }

    private static int? AllocatableGpus(V1Node node) =>
        node.Status?.Allocatable is { } allocatable && allocatable.TryGetValue(GpuResource, out var quantity)
            ? (int)quantity.ToInt64()
            : null;

    // A node without conditions (as in a hand-written inventory file) counts as Ready.
    private static bool IsReady(V1Node node) =>
        node.Status?.Conditions?.FirstOrDefault(condition => condition.Type == "Ready") is not { } ready || ready.Status == "True";
}
