using k8s;
using k8s.Models;
using Parley.Operator.Runtime;

namespace Parley.Operator.Tests.Runtime;

public class NodeFactsTests
{
    [Fact]
    public void HasChanged_HeartbeatsAndUnrelatedLabels_DoNotCount()
    {
        var facts = new NodeFacts();
        var node = Node("12288");
        facts.HasChanged(WatchEventType.Added, node).Should().BeTrue();

        node.Metadata.Labels["kubernetes.io/hostname"] = "renamed";
        node.Status.Conditions = [new V1NodeCondition { Type = "MemoryPressure", Status = "False", LastHeartbeatTime = DateTime.UtcNow }];

        facts.HasChanged(WatchEventType.Modified, node).Should().BeFalse();
    }

    [Fact]
    public void HasChanged_GpuLabelsCordoningAndDeletion_Count()
    {
        var facts = new NodeFacts();
        facts.HasChanged(WatchEventType.Added, Node("12288"));

        facts.HasChanged(WatchEventType.Modified, Node("24576")).Should().BeTrue();
        var cordoned = Node("24576");
        cordoned.Spec = new V1NodeSpec { Unschedulable = true };
        facts.HasChanged(WatchEventType.Modified, cordoned).Should().BeTrue();
        facts.HasChanged(WatchEventType.Deleted, cordoned).Should().BeTrue();
        facts.HasChanged(WatchEventType.Deleted, cordoned).Should().BeFalse("it was already gone");
    }

    private static V1Node Node(string memory) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "gpu-0",
            Labels = new Dictionary<string, string> { ["nvidia.com/gpu.product"] = "NVIDIA-L4", ["nvidia.com/gpu.memory"] = memory },
        },
        Status = new V1NodeStatus { Allocatable = new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new("1") } },
    };
}
