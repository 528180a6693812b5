// spec.worker.replicas on the local cluster, without the router: the operator's worker Deployment becomes that many
// worker processes, and requests through the worker Service (spread as kube-proxy spreads them) reach each of them.
using Parley.Testing.Operator;

namespace Parley.Cluster.Tests.EndToEnd;

public sealed class ReplicasTests
{
    private const string TwoWorkers = """
        apiVersion: parley.dev/v1alpha1
        kind: ChatDeployment
        metadata:
          name: pair
        spec:
          model:
            source: demo
          worker:
            replicas: 2
          router:
            enabled: false
          ui:
            enabled: false
        """;

    [Fact]
    public async Task TwoReplicas_BecomeTwoWorkerProcesses_AndRequestsReachBoth()
    {
        await using var chat = await LocalChatCluster.StartAsync(TwoWorkers);
        await Eventually.HoldsAsync(() => chat.Workers.Count(pod => pod.State.IsReady) == 2 && chat.Status?["readyReplicas"]?.GetValue<int>() == 2, chat.Describe);

        for (var i = 0; i < 4; i++)
        {
            using var response = await chat.ChatAsync([("user", $"hello {i}")]);
            response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync());
        }

        foreach (var worker in chat.Workers)
        {
            (await chat.FinishedRequestsAsync(worker)).Should().BeGreaterThan(0, $"{worker.Name} is one of the Service's ready endpoints");
        }
    }
}
