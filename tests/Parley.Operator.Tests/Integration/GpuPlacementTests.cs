using k8s.Models;
using Parley.Api;
using Parley.Api.Serialization;
using Parley.Operator.Resources;

namespace Parley.Operator.Tests.Integration;

/// <summary>A worker pod on a node without the planned GPU, read from the caches: Degraded with a Warning Event.</summary>
public class GpuPlacementTests
{
    private const string Ns = "team-a";

    [Fact]
    public async Task WorkerPodOnANodeWithoutThePlannedGpu_MakesTheChatDegraded()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml");
        harness.Api.Store.Upsert("nodes", Manifests.ToJson(new V1Node
        {
            ApiVersion = "v1", Kind = "Node", Metadata = new V1ObjectMeta { Name = "cpu-0", Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = "cpu-0" } },
        }).AsObject());
        await harness.ApplyAsync(OperatorTests.Chat());
        await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1Deployment>(Ns, "r1-worker"), _ => true, "the worker");

        harness.Api.Store.Upsert("pods", Manifests.ToJson(new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = "r1-worker-abc", NamespaceProperty = Ns, Labels = Labels.For(OperatorTests.Chat(), Labels.WorkerComponent) },
            Spec = new V1PodSpec { NodeName = "cpu-0", Containers = [new V1Container { Name = "worker", Image = "w" }] },
        }).AsObject());

        var chat = await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Phase == "Degraded", "Degraded");
        var degraded = chat.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Degraded);
        degraded.Reason.Should().Be(ConditionReasons.GpuMismatch);
        degraded.Message.Should().StartWith("Worker pod r1-worker-abc runs on node cpu-0, whose GPU is not labelled, but the plan is for NVIDIA-GeForce-RTX-3060");
        await OperatorTests.EventuallyEvent(harness, e => e.Type == "Warning" && e.Reason == ConditionReasons.GpuMismatch);
    }
}
