// Pods whose container this machine does not run: Open WebUI (an image only) and a program that is not built. Neither
// becomes Ready, and each says why in its container status, as a kubelet's waiting reason would.
using k8s.Models;
using Parley.LocalCluster;
using Parley.LocalCluster.Containers;

namespace Parley.Cluster.Tests.Kubelet;

public sealed class PodsNotRunTests : IAsyncLifetime
{
    private LocalClusterHost _cluster = null!;

    public async Task InitializeAsync() => _cluster = await LocalClusterHost.StartAsync(new LocalClusterOptions
    {
        Runner = url => new LocalProgramsRunner(new LocalProgramsOptions { KubeApiUrl = url, Worker = null, Router = null }),
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Theory]
    [InlineData("ui", "NotRunLocally", "Open WebUI")]
    [InlineData("router", "CreateContainerError", "parley-router was not found")]
    public async Task Pod_OfAContainerNotRunHere_WaitsWithTheReason(string component, string reason, string message)
    {
        WorkerObjects.Create(_cluster.Api.Store, replicas: 1);
        _cluster.Api.Store.Update("deployments.apps", WorkerObjects.Namespace, WorkerObjects.Name,
            deployment => deployment["spec"]!["template"]!["metadata"]!["labels"]!["app.kubernetes.io/component"] = component);

        await Eventually.HoldsAsync(() => Waiting()?.Reason == reason, () => $"waiting: {Waiting()?.Reason} {Waiting()?.Message}");

        Waiting()!.Message.Should().Contain(message);
        _cluster.Api.Store.Get<V1Deployment>(WorkerObjects.Namespace, WorkerObjects.Name)!.Status.ReadyReplicas.Should().Be(0);
    }

    private V1ContainerStateWaiting? Waiting() =>
        _cluster.Api.Store.List("pods", WorkerObjects.Namespace)
            .Select(json => k8s.KubernetesJson.Deserialize<V1Pod>(json.ToJsonString()))
            .SingleOrDefault(pod => pod.Metadata.Labels["app.kubernetes.io/component"] != "worker")?.Status?.ContainerStatuses?[0].State?.Waiting;
}
