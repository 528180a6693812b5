using System.Text.Json.Nodes;
using k8s.Models;
using k8s;
using Parley.LocalCluster.Api;
using static Parley.Testing.Tests.FakeKubernetes.TestObjects;

namespace Parley.Testing.Tests.FakeKubernetes;

public sealed class ObjectStoreTests
{
    [Fact]
    public async Task Upsert_SeedsAClusterScopedNode_WithStatus_ThatTheClientLists()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        api.Store.Upsert(new V1Node
        {
            Metadata = new V1ObjectMeta { Name = "gpu-1", Labels = new Dictionary<string, string> { ["nvidia.com/gpu.product"] = "NVIDIA-L4" } },
            Status = new V1NodeStatus { Allocatable = new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new("1") } },
        });

        var nodes = await client.CoreV1.ListNodeAsync(labelSelector: "nvidia.com/gpu.product=NVIDIA-L4");
        var node = await client.CoreV1.ReadNodeAsync("gpu-1");

        nodes.Items.Should().ContainSingle();
        node.Status.Allocatable["nvidia.com/gpu"].ToString().Should().Be("1");
        node.Metadata.Uid.Should().NotBeNullOrEmpty();
        api.Store.Get<V1Node>(null, "gpu-1")!.Metadata.Name.Should().Be("gpu-1");
    }

    [Fact]
    public async Task Update_MarksADeploymentAvailable_AndWatchesSeeIt()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("worker"), Namespace);
        await using var events = client.AppsV1.WatchListNamespacedDeploymentAsync(Namespace, cancellationToken: timeout.Token).GetAsyncEnumerator(timeout.Token);
        await events.MoveNextAsync();

        var updated = api.Store.Update("deployments", Namespace, "worker", d => d["status"] = new JsonObject { ["availableReplicas"] = 1, ["readyReplicas"] = 1 });
        await events.MoveNextAsync();

        updated.Should().NotBeNull();
        events.Current.Item1.Should().Be(WatchEventType.Modified);
        events.Current.Item2.Status.AvailableReplicas.Should().Be(1);
        events.Current.Item2.Metadata.Generation.Should().Be(1, "a status change is not a generation change");
    }

    [Fact]
    public async Task Delete_HonoursFinalizers_LikeTheApi()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        api.Store.Upsert("configmaps", JsonNode.Parse("""{"metadata":{"name":"held","namespace":"default","finalizers":["example.com/hold"]}}""")!.AsObject());

        var deleted = api.Store.Delete("configmaps", Namespace, "held");
        var missing = api.Store.Delete("configmaps", Namespace, "missing");

        deleted.Should().BeTrue();
        missing.Should().BeFalse();
        api.Store.Get("configmaps", Namespace, "held")!.IsBeingDeleted().Should().BeTrue();
    }

    [Fact]
    public async Task Resolve_OfAnAmbiguousPlural_PrefersTheCoreGroup()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();

        api.Resources.Resolve("events").Group.Should().BeEmpty();
        api.Resources.Resolve("events.events.k8s.io").Group.Should().Be("events.k8s.io");
        var unknown = () => api.Resources.Resolve("widgets");
        unknown.Should().Throw<ArgumentException>();
    }
}
