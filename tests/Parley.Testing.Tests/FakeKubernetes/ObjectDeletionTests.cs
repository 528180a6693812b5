using System.Net;
using k8s.Models;
using k8s;
using Parley.LocalCluster.Api;
using static Parley.Testing.Tests.FakeKubernetes.TestObjects;

namespace Parley.Testing.Tests.FakeKubernetes;

public sealed class ObjectDeletionTests
{
    [Fact]
    public async Task Delete_WithoutFinalizers_RemovesTheObject()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("worker"), Namespace);

        var status = await client.AppsV1.DeleteNamespacedDeploymentAsync("worker", Namespace);

        status.Status.Should().Be("Success");
        api.Store.Get("deployments", Namespace, "worker").Should().BeNull();
        await RefusalAsync(() => client.AppsV1.ReadNamespacedDeploymentAsync("worker", Namespace), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_WithFinalizers_SetsDeletionTimestamp_ThenClearingFinalizersRemovesIt()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var chats = new GenericClient(api.CreateClient(), "parley.dev", "v1alpha1", "chatdeployments");
        var chat = Chat("chat");
        chat.Metadata.Finalizers = ["parley.dev/retain-ui-data"];
        await chats.CreateNamespacedAsync(chat, Namespace);

        var marked = await chats.DeleteNamespacedAsync<TestChat>(Namespace, "chat");
        var markedAgain = await chats.DeleteNamespacedAsync<TestChat>(Namespace, "chat");
        var stillThere = await chats.ReadNamespacedAsync<TestChat>(Namespace, "chat");
        stillThere.Metadata.Finalizers = [];
        await chats.ReplaceNamespacedAsync(stillThere, Namespace, "chat");

        marked.Metadata.DeletionTimestamp.Should().NotBeNull();
        markedAgain.Metadata.DeletionTimestamp.Should().Be(marked.Metadata.DeletionTimestamp, "the timestamp is set once");
        markedAgain.Metadata.ResourceVersion.Should().Be(marked.Metadata.ResourceVersion);
        stillThere.Metadata.DeletionTimestamp.Should().NotBeNull();
        api.Store.Get("chatdeployments", Namespace, "chat").Should().BeNull();
    }

    [Fact]
    public async Task Patch_ThatRemovesTheLastFinalizer_RemovesAnObjectBeingDeleted()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings", owner: null, "example.com/a", "example.com/b"), Namespace);
        await client.CoreV1.DeleteNamespacedConfigMapAsync("settings", Namespace);

        var oneLeft = await client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""[{"op":"remove","path":"/metadata/finalizers/0"}]""", V1Patch.PatchType.JsonPatch), "settings", Namespace);
        await client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "settings", Namespace);

        oneLeft.Metadata.Finalizers.Should().Equal("example.com/b");
        api.Store.Get("configmaps", Namespace, "settings").Should().BeNull();
    }

    [Fact]
    public async Task Update_ThatAddsAFinalizerToAnObjectBeingDeleted_Returns422()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings", owner: null, "example.com/a"), Namespace);
        await client.CoreV1.DeleteNamespacedConfigMapAsync("settings", Namespace);

        var patch = new V1Patch("""{"metadata":{"finalizers":["example.com/a","example.com/new"]}}""", V1Patch.PatchType.MergePatch);
        var status = await RefusalAsync(() => client.CoreV1.PatchNamespacedConfigMapAsync(patch, "settings", Namespace), HttpStatusCode.UnprocessableEntity);

        status.Message.Should().Contain("metadata.finalizers");
    }

    [Fact]
    public async Task Delete_WithUidPrecondition_WhenTheUidDiffers_Returns409()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings"), Namespace);

        var options = new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = "someone-else" } };
        await RefusalAsync(() => client.CoreV1.DeleteNamespacedConfigMapAsync("settings", Namespace, options), HttpStatusCode.Conflict);

        api.Store.Get("configmaps", Namespace, "settings").Should().NotBeNull();
    }
}
