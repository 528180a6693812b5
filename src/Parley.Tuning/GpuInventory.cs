// The GPUs a cluster offers, by node and by class (product and memory). The operator reads them from Node labels (GPU
// Feature Discovery) and allocatable resources (device plugin): src/Parley.Operator/Planning/NodeInventory.cs.
using Parley.Tuning.Catalog;

namespace Parley.Tuning;

/// <summary>One schedulable node's GPUs.</summary>
public sealed record GpuNode(string NodeName, string Product, string DisplayName, long MemoryBytes, int GpuCount, int NominalGiB);

/// <summary>GPUs of one product and size across nodes: the unit the planner chooses between.</summary>
public sealed record GpuClass(string Product, string DisplayName, long MemoryBytes, int NominalGiB, int NodeCount, int GpuCount);

/// <summary>The GPU classes available for scheduling.</summary>
public sealed class GpuInventory
{
    // The node label and resource names GPU Feature Discovery and the NVIDIA device plugin use; refusals name them.
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
}
