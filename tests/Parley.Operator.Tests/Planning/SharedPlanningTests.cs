using k8s.Models;
using Parley.Api;
using Parley.Api.Spec;
using Parley.Operator.Planning;
using Parley.Operator.Resources;
using Parley.Tuning;

namespace Parley.Operator.Tests.Planning;

/// <summary>Which worker pods hold a device in the joint plan: only those of ChatDeployments that are Exclusive by spec.</summary>
public class SharedPlanningTests
{
    private const string Ns = "team-a";

    [Fact]
    public void PlanFor_AnExclusiveChatsPodOnTheOnlyGpu_RefusesNamingThePod()
    {
        var r1 = Chat("r1", GpuSharing.Shared);
        var solo = Chat("solo", sharing: null);

        var result = SharedPlanning.PlanFor(r1, [r1, solo], [TimeSlicedNode()], [Pod(solo)]);

        result.Refusal!.Reason.Should().Be(ConditionReasons.NoGpuNodes);
        result.Refusal.Message.Should().Contain("desk/gpu-0 by team-a/solo-worker");
    }

    [Fact]
    public void PlanFor_PodsOfASharedChatBeingDeletedOrOfAChatThatIsGone_HoldNothing()
    {
        var r1 = Chat("r1", GpuSharing.Shared);
        var leaving = Chat("leaving", GpuSharing.Shared);
        leaving.Metadata.DeletionTimestamp = DateTime.UtcNow;
        var gone = Chat("gone", sharing: null);

        var result = SharedPlanning.PlanFor(r1, [r1, leaving], [TimeSlicedNode()], [Pod(leaving), Pod(gone)]);

        result.Refusal.Should().BeNull();
        result.Plan!.Share!.Gpu.Id.Should().Be("desk/gpu-0");
    }

    private static ChatDeployment Chat(string name, GpuSharing? sharing) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
        Spec = new ChatDeploymentSpec
        {
            Model = new ModelSpec { Source = "Qwen/Qwen2.5-0.5B-Instruct" },
            Worker = new WorkerSpec { Gpu = sharing is { } mode ? new GpuSpec { Sharing = mode } : null, Tuning = new TuningSpec { TargetConcurrency = 1 } },
        },
    };

    private static V1Pod Pod(ChatDeployment chat) => new()
    {
        Metadata = new V1ObjectMeta { Name = $"{chat.Metadata.Name}-worker", NamespaceProperty = Ns, Labels = Labels.For(chat, Labels.WorkerComponent) },
        Spec = new V1PodSpec { NodeName = "desk", Containers = [new V1Container { Name = "worker", Image = "w" }] },
    };

    private static V1Node TimeSlicedNode() => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "desk",
            Labels = new Dictionary<string, string>
            {
                [GpuInventory.ProductLabel] = "NVIDIA-GeForce-RTX-3060-SHARED",
                [GpuInventory.MemoryLabel] = "12288",
                ["nvidia.com/gpu.sharing-strategy"] = "time-slicing",
                ["nvidia.com/gpu.replicas"] = "2",
            },
        },
        Status = new V1NodeStatus { Allocatable = new Dictionary<string, ResourceQuantity> { [GpuInventory.GpuResource] = new("2") } },
    };
}
