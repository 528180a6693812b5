using System.Text;
using k8s.Models;
using Parley.Api.Contracts;
using Parley.Api.Serialization;
using Parley.Operator.Resources;

namespace Parley.Operator.Tests.Integration;

public class ClosedLoopTests
{
    private const string Ns = "team-a";

    [Fact]
    public async Task ReadyWorker_ItsReportIsRecordedInStatusMeasured()
    {
        using var stub = new WorkerInfoStub(new WorkerInfo
        {
            Model = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", MaxModelLen = 58_064, KvCacheTokens = 230_000, GpuMemoryUsedBytes = 11_000_000_000,
        });
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml", OperatorHarness.FastOptions() with { WorkerInfoPort = stub.Port });
        await harness.ApplyAsync(OperatorTests.Chat());
        await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1Deployment>(Ns, "r1-worker"), _ => true, "the worker");
        harness.Api.Store.Upsert("pods", Manifests.ToJson(ReadyWorkerPod()).AsObject());
        harness.MarkAvailable(Ns, "r1-worker");

        var chat = await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Measured is not null, "status.measured");

        chat.Status!.Measured!.KvCacheTokens.Should().Be(230_000);
        chat.Status.Measured.MaxModelLen.Should().Be(58_064);
        chat.Status.Measured.GpuMemoryUsedBytes.Should().Be(11_000_000_000);
        var key = Encoding.UTF8.GetString(harness.Api.Store.Get<V1Secret>(Ns, "r1-credentials")!.Data["api-key"]);
        stub.Authorizations.Should().Contain($"Bearer {key}", "/v1 paths need the worker's API key");
    }

    private static V1Pod ReadyWorkerPod() => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta
        {
            Name = "r1-worker-abc",
            NamespaceProperty = Ns,
            Labels = Labels.For(OperatorTests.Chat(), Labels.WorkerComponent),
        },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "worker", Image = "w" }] },
        Status = new V1PodStatus
        {
            PodIP = "127.0.0.1",
            Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }],
        },
    };
}
