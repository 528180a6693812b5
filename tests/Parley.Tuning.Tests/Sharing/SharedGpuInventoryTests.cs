using Parley.Tuning.Sharing;

namespace Parley.Tuning.Tests.Sharing;

public class SharedGpuInventoryTests
{
    [Fact]
    public void FromNode_TimeSlicedWithoutCountLabel_DividesAllocatableByReplicas()
    {
        var labels = new Dictionary<string, string>
        {
            ["nvidia.com/gpu.product"] = "NVIDIA-L4-SHARED", ["nvidia.com/gpu.memory"] = "23034",
            ["nvidia.com/gpu.sharing-strategy"] = "time-slicing", ["nvidia.com/gpu.replicas"] = "4",
        };

        var gpus = SharedGpuInventory.FromNode("l4-node", labels, allocatableGpus: 8);

        gpus.Select(gpu => gpu.Id).Should().Equal("l4-node/gpu-0", "l4-node/gpu-1");
        gpus.Should().AllSatisfy(gpu =>
        {
            gpu.Product.Should().Be("NVIDIA-L4");
            gpu.Mode.Should().Be(GpuSharingMode.TimeSlicing);
            gpu.Slots.Should().Be(4);
            gpu.MemoryBytes.Should().Be(23034L * 1024 * 1024);
        });
    }

    [Fact]
    public void FromNode_MigSingleStrategy_GivesOneDevicePerSliceWithTheSliceMemory()
    {
        var labels = new Dictionary<string, string>
        {
            ["nvidia.com/gpu.product"] = "NVIDIA-A100-SXM4-40GB-MIG-3g.20gb", ["nvidia.com/gpu.memory"] = "20096",
            ["nvidia.com/gpu.count"] = "1", ["nvidia.com/mig.strategy"] = "single",
        };

        var gpus = SharedGpuInventory.FromNode("a100", labels, allocatableGpus: 2);

        gpus.Select(gpu => gpu.Id).Should().Equal("a100/mig-3g.20gb-0", "a100/mig-3g.20gb-1");
        gpus.Should().AllSatisfy(gpu => (gpu.Mode, gpu.Slots, gpu.MemoryBytes, gpu.ResourceName)
            .Should().Be((GpuSharingMode.Mig, 1, 20096L * 1024 * 1024, "nvidia.com/gpu")));
    }

    [Fact]
    public void FromNode_MigMixedStrategy_ReadsEachProfileAndItsResource()
    {
        var labels = new Dictionary<string, string>
        {
            ["nvidia.com/gpu.product"] = "NVIDIA-A100-SXM4-40GB", ["nvidia.com/mig.strategy"] = "mixed",
            ["nvidia.com/mig-3g.20gb.count"] = "1", ["nvidia.com/mig-3g.20gb.memory"] = "20096",
            ["nvidia.com/mig-1g.5gb.count"] = "2", ["nvidia.com/mig-1g.5gb.memory"] = "4864",
        };

        var gpus = SharedGpuInventory.FromNode("a100", labels, allocatableGpus: null);

        gpus.Select(gpu => (gpu.DeviceId, gpu.ResourceName, gpu.MemoryBytes / (1024 * 1024))).Should().Equal(
            ("mig-1g.5gb-0", "nvidia.com/mig-1g.5gb", 4864L), ("mig-1g.5gb-1", "nvidia.com/mig-1g.5gb", 4864L),
            ("mig-3g.20gb-0", "nvidia.com/mig-3g.20gb", 20096L));
    }

    [Fact]
    public void FromNode_WithoutSharingLabels_IsExclusive()
    {
        var labels = new Dictionary<string, string> { ["nvidia.com/gpu.product"] = "NVIDIA-GeForce-RTX-3060", ["nvidia.com/gpu.memory"] = "12288" };

        var gpus = SharedGpuInventory.FromNode("desk", labels, allocatableGpus: 1);

        gpus.Should().ContainSingle().Which.Should().Match<PhysicalGpu>(gpu => gpu.Mode == GpuSharingMode.Exclusive && gpu.Slots == 1);
    }
}
