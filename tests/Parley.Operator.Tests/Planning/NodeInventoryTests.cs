using k8s.Models;
using Parley.Operator.Planning;
using Parley.Tuning;

namespace Parley.Operator.Tests.Planning;

public class NodeInventoryTests
{
    [Fact]
    public void Read_GroupsNodesIntoClassesSmallestFirst()
    {
        var inventory = NodeInventory.Read(
        [
            Node("desk-3060", "NVIDIA-GeForce-RTX-3060", 12288, 1),
            Node("l4-0", "NVIDIA-L4", 23034, 1),
            Node("l4-1", "NVIDIA-L4", 23034, 1),
            Node("a100-0", "NVIDIA-A100-SXM4-80GB", 81920, 4),
        ]);

        inventory.Classes.Select(gpu => (gpu.Product, gpu.NodeCount, gpu.GpuCount)).Should().Equal(
            ("NVIDIA-GeForce-RTX-3060", 1, 1), ("NVIDIA-L4", 2, 2), ("NVIDIA-A100-SXM4-80GB", 1, 4));
    }

    [Fact]
    public void Read_MemoryLabelWinsOverTheCatalog()
    {
        var node = Node("n", "NVIDIA-L4", 20000, 1);

        NodeInventory.Read([node]).Nodes.Single().MemoryBytes.Should().Be(20000 * Bytes.MiB);
    }

    [Fact]
    public void Read_WithoutMemoryLabel_TakesTheCatalogMemory()
    {
        var node = Node("n", "NVIDIA-L4", 1, 1);
        node.Metadata.Labels.Remove(GpuInventory.MemoryLabel);

        NodeInventory.Read([node]).Nodes.Single().MemoryBytes.Should().Be(23034 * Bytes.MiB);
    }

    [Fact]
    public void Read_AllocatableWinsOverTheCountLabel()
    {
        var node = Node("n", "NVIDIA-L4", 23034, 2);
        node.Metadata.Labels[GpuInventory.CountLabel] = "8";

        NodeInventory.Read([node]).Nodes.Single().GpuCount.Should().Be(2);
    }

    [Fact]
    public void Read_LeavesOutNodesThatCannotRunAWorker()
    {
        var cordoned = Node("cordoned", "NVIDIA-L4", 23034, 1);
        cordoned.Spec = new V1NodeSpec { Unschedulable = true };
        var notReady = Node("not-ready", "NVIDIA-L4", 23034, 1);
        notReady.Status.Conditions = [new V1NodeCondition { Type = "Ready", Status = "False" }];
        var allocated = Node("no-gpus", "NVIDIA-L4", 23034, 0);
        var unknown = Node("unknown", "Some-Future-GPU", 1, 1);
        unknown.Metadata.Labels.Remove(GpuInventory.MemoryLabel);
        var cpuOnly = new V1Node { Metadata = new V1ObjectMeta { Name = "cpu" } };

        NodeInventory.Read([cordoned, notReady, allocated, unknown, cpuOnly]).Nodes.Should().BeEmpty();
    }

    [Fact]
    public void Read_UnknownProductWithMemoryLabel_IsUsable()
    {
        var node = Node("n", "NVIDIA-RTX-PRO-6000", 97887, 1);

        var gpu = NodeInventory.Read([node]).Classes.Single();

        gpu.DisplayName.Should().Be("NVIDIA RTX PRO 6000");
        gpu.NominalGiB.Should().Be(96);
    }

    [Fact]
    public void Read_TimeSlicedProduct_UsesTheCatalogEntryOfTheWholeGpu()
    {
        var node = Node("n", "NVIDIA-L4-SHARED", 1, 4);
        node.Metadata.Labels.Remove(GpuInventory.MemoryLabel);

        NodeInventory.Read([node]).Nodes.Single().DisplayName.Should().Be("NVIDIA L4");
    }

    private static V1Node Node(string name, string product, int memoryMiB, int gpus) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string> { [GpuInventory.ProductLabel] = product, [GpuInventory.MemoryLabel] = memoryMiB.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        },
        Status = new V1NodeStatus { Allocatable = new Dictionary<string, ResourceQuantity> { [GpuInventory.GpuResource] = new(gpus.ToString(System.Globalization.CultureInfo.InvariantCulture)) } },
    };
}
