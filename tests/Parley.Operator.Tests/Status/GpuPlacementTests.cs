using k8s.Models;
using Parley.Api;
using Parley.Api.Status;
using Parley.Operator.Status;
using Parley.Tuning;

namespace Parley.Operator.Tests.Status;

public class GpuPlacementTests
{
    private const string Planned = "NVIDIA-GeForce-RTX-3060";

    private static V1Pod Pod(string name, string? node) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec { NodeName = node, Containers = [] },
    };

    private static Func<string, V1Node?> Nodes(params (string Name, string? Product)[] nodes) => name =>
        nodes.Where(n => n.Name == name).Select(n => new V1Node
        {
            Metadata = new V1ObjectMeta
            {
                Name = n.Name,
                Labels = n.Product is null ? null : new Dictionary<string, string> { [GpuInventory.ProductLabel] = n.Product },
            },
        }).FirstOrDefault();

    [Fact]
    public void Mismatch_EveryPodOnThePlannedProduct_IsNull()
    {
        GpuPlacement.Mismatch([Pod("w-1", "gpu-a"), Pod("w-2", "gpu-b")], Nodes(("gpu-a", Planned), ("gpu-b", Planned)), Planned).Should().BeNull();
    }

    [Fact]
    public void Mismatch_APodOnAnotherProduct_NamesPodNodeAndBothProducts()
    {
        var message = GpuPlacement.Mismatch([Pod("w-1", "gpu-a"), Pod("w-2", "gpu-b")], Nodes(("gpu-a", Planned), ("gpu-b", "NVIDIA-L4")), Planned);

        message.Should().StartWith("Worker pod w-2 runs on node gpu-b, whose GPU is NVIDIA-L4, but the plan is for NVIDIA-GeForce-RTX-3060");
    }

    [Fact]
    public void Mismatch_ANodeWithoutTheLabel_CountsAsMismatched()
    {
        GpuPlacement.Mismatch([Pod("w-1", "cpu-0")], Nodes(("cpu-0", null)), Planned).Should().Contain("whose GPU is not labelled");
    }

    [Fact]
    public void Mismatch_UnscheduledPodsAndUnknownNodes_AreNotJudged()
    {
        GpuPlacement.Mismatch([Pod("w-1", null), Pod("w-2", "not-cached")], Nodes(), Planned).Should().BeNull();
    }

    [Fact]
    public void StatusComputer_WithAMismatch_IsDegradedWithReasonGpuMismatch()
    {
        var context = TestChats.Context(TestChats.Chat());
        var inputs = new StatusInputs(context, new Parley.Operator.Status.Observed(null, null), Parley.Operator.Reconciliation.StepDownState.None, null,
            new DateTime(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc)) { GpuMismatch = "Worker pod w-2 runs on node gpu-b." };

        var status = StatusComputer.Compute(inputs);

        status.Phase.Should().Be(Phases.Degraded);
        var degraded = status.Conditions!.Single(c => c.Type == ConditionTypes.Degraded);
        (degraded.Status, degraded.Reason, degraded.Message).Should().Be(("True", ConditionReasons.GpuMismatch, "Worker pod w-2 runs on node gpu-b."));
    }
}
