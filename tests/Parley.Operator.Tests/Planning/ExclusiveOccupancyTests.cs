using k8s.Models;
using Parley.Operator.Planning;
using Parley.Tuning.Catalog;
using Parley.Tuning.Sharing;

namespace Parley.Operator.Tests.Planning;

public class ExclusiveOccupancyTests
{
    private static readonly PhysicalGpu[] TwoNodes =
    [
        Device("node-a", 0), Device("node-a", 1), Device("node-b", 0),
    ];

    [Fact]
    public void Of_AnExclusivePodOnANode_TakesOneOfItsDevicesAndSaysWhichPodHoldsIt()
    {
        var occupancy = ExclusiveOccupancy.Of(TwoNodes, [Pod("llama-worker-1", "node-b")], placedIds: []);

        occupancy.Free.Select(device => device.Id).Should().Equal("node-a/gpu-0", "node-a/gpu-1");
        occupancy.HeldBy.Should().Equal(new Dictionary<string, string> { ["node-b/gpu-0"] = "team-a/llama-worker-1" });
    }

    [Fact]
    public void Of_PrefersADeviceNoSharedWorkerWasPlacedOn()
    {
        var occupancy = ExclusiveOccupancy.Of(TwoNodes, [Pod("llama-worker-1", "node-a")], placedIds: ["node-a/gpu-0"]);

        occupancy.Free.Select(device => device.Id).Should().Equal("node-a/gpu-0", "node-b/gpu-0");
    }

    [Fact]
    public void Of_EachPodTakesItsOwnDevice_AndNoMoreThanTheNodeHas()
    {
        var pods = new[] { Pod("a", "node-a"), Pod("b", "node-a"), Pod("c", "node-a") };

        var occupancy = ExclusiveOccupancy.Of(TwoNodes, pods, placedIds: []);

        occupancy.Free.Select(device => device.Id).Should().Equal("node-b/gpu-0");
        occupancy.HeldBy.Keys.Should().BeEquivalentTo("node-a/gpu-0", "node-a/gpu-1");
    }

    [Fact]
    public void Of_PodsThatHoldNoDevice_TakeNothing()
    {
        var pending = Pod("pending", node: null);
        var finished = Pod("finished", "node-a");
        finished.Status = new V1PodStatus { Phase = "Succeeded" };
        var leaving = Pod("leaving", "node-a");
        leaving.Metadata.DeletionTimestamp = DateTime.UtcNow;

        var occupancy = ExclusiveOccupancy.Of(TwoNodes, [pending, finished, leaving], placedIds: []);

        occupancy.Free.Should().Equal(TwoNodes);
        occupancy.HeldBy.Should().BeEmpty();
    }

    [Fact]
    public void Of_AMigPod_TakesASliceOfTheProfileItAskedFor()
    {
        var small = PhysicalGpu.Of(GpuCatalog.Find("a100-40gb-mig-1g.5gb")!, GpuSharingMode.Mig, 1, "mig-node", 0) with { ResourceName = "nvidia.com/mig-1g.5gb" };
        var large = PhysicalGpu.Of(GpuCatalog.Find("a100-40gb-mig-3g.20gb")!, GpuSharingMode.Mig, 1, "mig-node", 0) with { ResourceName = "nvidia.com/mig-3g.20gb" };
        var pod = Pod("worker", "mig-node");
        pod.Spec.Containers[0].Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["nvidia.com/mig-3g.20gb"] = new("1") } };

        var occupancy = ExclusiveOccupancy.Of([small, large], [pod], placedIds: []);

        occupancy.Free.Should().Equal(small);
    }

    private static PhysicalGpu Device(string node, int index) =>
        PhysicalGpu.Of(GpuCatalog.Find("rtx-3060-12gb")!, GpuSharingMode.TimeSlicing, 2, node, index);

    private static V1Pod Pod(string name, string? node) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "team-a" },
        Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "worker", Image = "w" }] },
    };
}
