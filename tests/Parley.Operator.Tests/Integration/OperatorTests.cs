using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Parley.Api;
using Parley.Api.Spec;
using Parley.Operator.Reconciliation;

namespace Parley.Operator.Tests.Integration;

public class OperatorTests
{
    private const string Ns = "team-a";

    [Fact]
    public async Task Apply_WithGpuNodes_CreatesTheTunedWorkerAndUiThenBecomesReady()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml");
        await harness.ApplyAsync(Chat());

        var worker = await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1Deployment>(Ns, "r1-worker"), _ => true, "the worker Deployment");
        worker.Spec.Template.Spec.Containers[0].Args.Should().ContainInConsecutiveOrder("--max-model-len", "58064");
        // Objects are applied one after another; the UI Deployment comes after the worker's.
        await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1Deployment>(Ns, "r1-ui"), _ => true, "the UI Deployment");
        harness.Api.Store.Get<V1PersistentVolumeClaim>(Ns, "r1-ui-data").Should().NotBeNull();
        var progressing = await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Phase == "Progressing", "Progressing");
        progressing.Status!.Tuning!.GpuProduct.Should().Be("NVIDIA-GeForce-RTX-3060");
        progressing.Metadata.Finalizers.Should().Contain(Finalizer.Name);

        harness.MarkAvailable(Ns, "r1-worker");
        harness.MarkAvailable(Ns, "r1-ui");

        var ready = await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Phase == "Ready", "Ready");
        ready.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Status.Should().Be("True");
        ready.Status.ObservedGeneration.Should().Be(ready.Metadata.Generation);
        ready.Status.ReadyReplicas.Should().Be(1);
        await EventuallyEvent(harness, e => e.Reason == ConditionReasons.Planned);
    }

    [Fact]
    public async Task Reconcile_WhenNothingChanged_MakesNoWrites()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml");
        await harness.ApplyAsync(Chat());
        await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Phase == "Progressing", "Progressing");
        await harness.SettleAsync();
        var writes = harness.Api.WriteCount;

        // Touch an owned object's status: the operator is told, reconciles, and must find nothing to write.
        harness.Api.Store.Update("services", Ns, "r1-worker", service => service["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() });
        await Task.Delay(500);
        await harness.SettleAsync();

        harness.Api.WriteCount.Should().Be(writes);
    }

    [Fact]
    public async Task BrokenChild_IsRestored()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml");
        await harness.ApplyAsync(Chat());
        await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1Service>(Ns, "r1-worker"), _ => true, "the worker Service");

        harness.Api.Store.Delete("services", Ns, "r1-worker");
        harness.Api.Store.Update("deployments", Ns, "r1-worker", deployment => deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["args"] = new JsonArray("--model", "other/model"));

        await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1Service>(Ns, "r1-worker"), _ => true, "the Service back");
        var worker = await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1Deployment>(Ns, "r1-worker"),
            d => d.Spec.Template.Spec.Containers[0].Args.Contains("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B"), "the worker args back");
        worker.Spec.Template.Spec.Containers[0].Args.Should().ContainInConsecutiveOrder("--max-model-len", "58064");
    }

    [Fact]
    public async Task SpecChange_UpdatesTheWorkerAndObservesTheGeneration()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml");
        await harness.ApplyAsync(Chat());
        await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Tuning is not null, "a plan");

        await harness.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"worker":{"tuning":{"targetConcurrency":8}}}}""", V1Patch.PatchType.MergePatch),
            ChatDeployment.Group, ChatDeployment.Version, Ns, ChatDeployment.Plural, "r1");

        var worker = await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1Deployment>(Ns, "r1-worker"),
            d => d.Spec.Template.Spec.Containers[0].Args.Contains("29024"), "the re-tuned worker");
        worker.Metadata.Generation.Should().Be(2);
        var chat = await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.ObservedGeneration == 2, "generation 2 observed");
        chat.Status!.Tuning!.MaxModelLen.Should().Be(29_024);
        await EventuallyEvent(harness, e => e.Reason == ConditionReasons.Replanned);
    }

    [Fact]
    public async Task NodesChange_TheOnlyLargeGpuLeaves_ReplansOnTheSmallOne()
    {
        await using var harness = await OperatorHarness.StartAsync("h100.yaml");
        await harness.ApplyAsync(Chat());
        await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Tuning?.MaxModelLen == 131_072, "the H100 plan");

        harness.SeedNodes("rtx3060.yaml");
        harness.Api.Store.Delete("nodes", null, "hgx-h100-0");

        var chat = await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Tuning?.GpuProduct == "NVIDIA-GeForce-RTX-3060", "the re-plan");
        chat.Status!.Tuning!.MaxModelLen.Should().Be(58_064);
        harness.Api.Store.Get<V1Deployment>(Ns, "r1-worker")!.Spec.Template.Spec.NodeSelector["nvidia.com/gpu.product"].Should().Be("NVIDIA-GeForce-RTX-3060");
        await EventuallyEvent(harness, e => e.Reason == ConditionReasons.Replanned);
    }

    [Fact]
    public async Task Refusal_IsReadyFalseWithThePlannersMessage()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml");
        await harness.ApplyAsync(Chat("meta-llama/Meta-Llama-3-8B-Instruct"));

        var chat = await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Phase == "Failed", "the refusal");

        var ready = chat.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        ready.Status.Should().Be("False");
        ready.Reason.Should().Be(ConditionReasons.InsufficientGpuMemory);
        ready.Message.Should().Contain("Use quantization: gptq");
        harness.Api.Store.Get<V1Deployment>(Ns, "r1-worker").Should().BeNull();
        await EventuallyEvent(harness, e => e.Type == "Warning" && e.Reason == ConditionReasons.InsufficientGpuMemory);
    }

    [Fact]
    public async Task Delete_RunsTheFinalizerAndKeepsTheUiData()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml");
        await harness.ApplyAsync(Chat());
        await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1Deployment>(Ns, "r1-ui"), _ => true, "the UI");

        await harness.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(ChatDeployment.Group, ChatDeployment.Version, Ns, ChatDeployment.Plural, "r1");

        await OperatorHarness.EventuallyAsync(() => (object?)(harness.Chat(Ns, "r1") is null ? "gone" : null), _ => true, "the ChatDeployment to go");
        harness.Api.Store.Get<V1Deployment>(Ns, "r1-worker").Should().BeNull();
        harness.Api.Store.Get<V1Deployment>(Ns, "r1-ui").Should().BeNull();
        harness.Api.Store.Get<V1Service>(Ns, "r1-worker").Should().BeNull();
        harness.Api.Store.Get<V1PersistentVolumeClaim>(Ns, "r1-ui-data").Should().NotBeNull("chats outlive the ChatDeployment by default");
        harness.Api.Store.Get<V1Secret>(Ns, "r1-credentials").Should().NotBeNull("logins survive a re-create");
    }

    [Fact]
    public async Task GpuOutOfMemory_StepsThePlanDownAtMostThreeTimes()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml");
        await harness.ApplyAsync(Chat());
        await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Tuning is not null, "a plan");

        double?[] utilizations = [0.85, 0.81, 0.81];
        for (var step = 1; step <= 3; step++)
        {
            CrashWorker(harness, step);
            var chat = await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Tuning?.StepDowns == step, $"step-down {step}");
            chat.Status!.Tuning!.GpuMemoryUtilization.Should().Be(utilizations[step - 1]);
        }

        harness.Chat(Ns, "r1")!.Status!.Tuning!.MaxModelLen.Should().Be(29_024, "the third step halves the context");
        CrashWorker(harness, 4);
        var degraded = await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Phase == "Degraded", "Degraded");
        degraded.Status!.Tuning!.StepDowns.Should().Be(3);
        // Events follow the status write they describe.
        await EventuallyEvent(harness, e => e.Reason == ConditionReasons.OutOfMemoryRepeatedly);
        Events(harness).Count(e => e.Reason == ConditionReasons.SteppedDown).Should().Be(3);
    }

    private static void CrashWorker(OperatorHarness harness, int attempt)
    {
        var pod = new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = $"r1-worker-{attempt}",
                NamespaceProperty = Ns,
                Labels = Parley.Operator.Resources.Labels.For(Chat(), Parley.Operator.Resources.Labels.WorkerComponent),
            },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "worker", Image = "w" }] },
            Status = new V1PodStatus
            {
                ContainerStatuses =
                [
                    new V1ContainerStatus
                    {
                        Name = "worker", Image = "w", ImageID = "w", Ready = false, RestartCount = attempt,
                        LastState = new V1ContainerState
                        {
                            Terminated = new V1ContainerStateTerminated
                            {
                                ExitCode = 1, Message = "CUDA out of memory while allocating the KV cache",
                                FinishedAt = new DateTime(2026, 1, 1, 0, attempt, 0, DateTimeKind.Utc),
                            },
                        },
                    },
                ],
            },
        };
        harness.Api.Store.Upsert("pods", Parley.Api.Serialization.Manifests.ToJson(pod).AsObject());
    }

    /// <summary>Waits for an Event: they are written right after the status change they describe.</summary>
    internal static Task<IReadOnlyList<Corev1Event>> EventuallyEvent(OperatorHarness harness, Func<Corev1Event, bool> match) =>
        OperatorHarness.EventuallyAsync(() => Events(harness), events => events.Any(match), "the Event");

    internal static IReadOnlyList<Corev1Event> Events(OperatorHarness harness) =>
        harness.Api.Store.List("events", Ns).Select(Parley.Api.Serialization.Manifests.FromJson<Corev1Event>).ToList();

    internal static ChatDeployment Chat(string source = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B") => TestChats.Applied(source);
}
