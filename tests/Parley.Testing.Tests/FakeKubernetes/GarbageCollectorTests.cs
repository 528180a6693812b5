using k8s.Models;
using k8s;
using Parley.LocalCluster.Api;
using static Parley.Testing.Tests.FakeKubernetes.TestObjects;

namespace Parley.Testing.Tests.FakeKubernetes;

public sealed class GarbageCollectorTests
{
    [Fact]
    public async Task Delete_OfAnOwner_DeletesOwnedObjectsRecursively_AndKeepsOthers()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        var chat = await client.CustomObjects.CreateNamespacedCustomObjectAsync<TestChat>(Chat("chat"), "parley.dev", "v1alpha1", Namespace, "chatdeployments");
        var worker = await client.AppsV1.CreateNamespacedDeploymentAsync(WithOwner(Deployment("chat-worker"), chat), Namespace);
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("chat-template", OwnerReference(chat)), Namespace);
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("grandchild", OwnerReference(worker)), Namespace);
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("unowned"), Namespace);
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("ui-data", OwnerReference(ForeignOwner())), Namespace);

        await client.CustomObjects.DeleteNamespacedCustomObjectAsync("parley.dev", "v1alpha1", Namespace, "chatdeployments", "chat");

        api.Store.List("deployments").Should().BeEmpty();
        api.Store.List("configmaps").Select(c => c.Name()).Should().Equal("ui-data", "unowned");
    }

    [Fact]
    public async Task Delete_OfAnOwner_MarksAnOwnedObjectWithFinalizers_InsteadOfRemovingIt()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        var owner = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner"), Namespace);
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("held", OwnerReference(owner), "example.com/hold"), Namespace);

        await client.CoreV1.DeleteNamespacedConfigMapAsync("owner", Namespace);

        var held = api.Store.Get("configmaps", Namespace, "held");
        held.Should().NotBeNull();
        held!.IsBeingDeleted().Should().BeTrue();
    }

    [Fact]
    public async Task Delete_WithOrphanPropagation_KeepsDependents_AndRemovesTheirOwnerReference()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        var owner = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner"), Namespace);
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("dependent", OwnerReference(owner)), Namespace);

        await client.CoreV1.DeleteNamespacedConfigMapAsync("owner", Namespace, propagationPolicy: "Orphan");

        var dependent = api.Store.Get("configmaps", Namespace, "dependent");
        dependent.Should().NotBeNull();
        dependent!.OwnerUids().Should().BeEmpty();
    }

    [Fact]
    public async Task Delete_OfOneOfTwoOwners_KeepsTheDependent()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        var first = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("first"), Namespace);
        var second = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("second"), Namespace);
        var shared = ConfigMap("shared");
        shared.Metadata.OwnerReferences = [OwnerReference(first), OwnerReference(second)];
        await client.CoreV1.CreateNamespacedConfigMapAsync(shared, Namespace);

        await client.CoreV1.DeleteNamespacedConfigMapAsync("first", Namespace);

        api.Store.Get("configmaps", Namespace, "shared")!.OwnerUids().Should().Equal(second.Metadata.Uid);
    }

    private static V1Deployment WithOwner(V1Deployment deployment, TestChat owner)
    {
        deployment.Metadata.OwnerReferences = [OwnerReference(owner)];
        return deployment;
    }

    private static V1ConfigMap ForeignOwner() => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = "elsewhere", Uid = "00000000-0000-0000-0000-000000000001" },
    };
}
