using k8s.Models;

namespace Parley.Tuning.Tests;

public class GpuInventoryTests
{
    [Fact]
    public void FromNodes_GroupsNodesIntoClassesSmallestFirst()
    {
        var inventory = PlannerTests.MixedInventory();

        inventory.Classes.Select(gpu => (gpu.Product, gpu.NodeCount, gpu.GpuCount)).Should().Equal(
            ("NVIDIA-GeForce-RTX-3060", 1, 1), ("NVIDIA-L4", 2, 2), ("NVIDIA-A100-SXM4-80GB", 1, 4));
    }

    [Fact]
    public void FromNodes_MemoryLabelWinsOverTheCatalog()
    {
        var node = PlannerTests.Node("n", "NVIDIA-L4", 20000, 1);

        GpuInventory.FromNodes([node]).Nodes.Single().MemoryBytes.Should().Be(20000 * Bytes.MiB);
    }

    [Fact]
    public void FromNodes_WithoutMemoryLabel_TakesTheCatalogMemory()
    {
        var node = PlannerTests.Node("n", "NVIDIA-L4", 1, 1);
        node.Metadata.Labels.Remove(GpuInventory.MemoryLabel);

        GpuInventory.FromNodes([node]).Nodes.Single().MemoryBytes.Should().Be(23034 * Bytes.MiB);
    }

    [Fact]
    public void FromNodes_AllocatableWinsOverTheCountLabel()
    {
        var node = PlannerTests.Node("n", "NVIDIA-L4", 23034, 2);
        node.Metadata.Labels[GpuInventory.CountLabel] = "8";

        GpuInventory.FromNodes([node]).Nodes.Single().GpuCount.Should().Be(2);
    }

    [Fact]
    public void FromNodes_LeavesOutNodesThatCannotRunAWorker()
    {
        var cordoned = PlannerTests.Node("cordoned", "NVIDIA-L4", 23034, 1);
        cordoned.Spec = new V1NodeSpec { Unschedulable = true };
        var notReady = PlannerTests.Node("not-ready", "NVIDIA-L4", 23034, 1);
        notReady.Status.Conditions = [new V1NodeCondition { Type = "Ready", Status = "False" }];
        var allocated = PlannerTests.Node("no-gpus", "NVIDIA-L4", 23034, 0);
        var unknown = PlannerTests.Node("unknown", "Some-Future-GPU", 1, 1);
        unknown.Metadata.Labels.Remove(GpuInventory.MemoryLabel);
        var cpuOnly = new V1Node { Metadata = new V1ObjectMeta { Name = "cpu" } };

        GpuInventory.FromNodes([cordoned, notReady, allocated, unknown, cpuOnly]).Nodes.Should().BeEmpty();
    }

    [Fact]
    public void FromNodes_UnknownProductWithMemoryLabel_IsUsable()
    {
        var node = PlannerTests.Node("n", "NVIDIA-RTX-PRO-6000", 97887, 1);

        var gpu = GpuInventory.FromNodes([node]).Classes.Single();

        gpu.DisplayName.Should().Be("NVIDIA RTX PRO 6000");
        gpu.NominalGiB.Should().Be(96);
    }

    [Fact]
    public void FromNodes_TimeSlicedProduct_UsesTheCatalogEntryOfTheWholeGpu()
    {
        var node = PlannerTests.Node("n", "NVIDIA-L4-SHARED", 1, 4);
        node.Metadata.Labels.Remove(GpuInventory.MemoryLabel);

        GpuInventory.FromNodes([node]).Nodes.Single().DisplayName.Should().Be("NVIDIA L4");
    }
}
