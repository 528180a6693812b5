namespace Parley.Tuning.Tests;

public class GpuInventoryTests
{
    [Fact]
    public void New_GroupsNodesIntoClassesSmallestFirst()
    {
        var inventory = PlannerTests.MixedInventory();

        inventory.Classes.Select(gpu => (gpu.Product, gpu.NodeCount, gpu.GpuCount)).Should().Equal(
            ("NVIDIA-GeForce-RTX-3060", 1, 1), ("NVIDIA-L4", 2, 2), ("NVIDIA-A100-SXM4-80GB", 1, 4));
    }

    [Fact]
    public void New_SameProductWithDifferentMemory_IsTwoClasses()
    {
        var inventory = new GpuInventory([PlannerTests.Node("a", "NVIDIA-L4", 23034, 1), PlannerTests.Node("b", "NVIDIA-L4", 20000, 1)]);

        inventory.Classes.Select(gpu => gpu.MemoryBytes).Should().Equal(20000 * Bytes.MiB, 23034 * Bytes.MiB);
    }
}
