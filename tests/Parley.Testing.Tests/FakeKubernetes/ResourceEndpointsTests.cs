using System.Net;
using k8s.Models;
using k8s;
using Parley.LocalCluster.Api;
using static Parley.Testing.Tests.FakeKubernetes.TestObjects;

namespace Parley.Testing.Tests.FakeKubernetes;

public sealed class ResourceEndpointsTests
{
    [Fact]
    public async Task Create_AssignsServerMetadata_AndGetReturnsIt()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();

        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("worker"), Namespace);
        var read = await client.AppsV1.ReadNamespacedDeploymentAsync("worker", Namespace);

        created.Metadata.Uid.Should().NotBeNullOrEmpty();
        created.Metadata.NamespaceProperty.Should().Be(Namespace);
        created.Metadata.Generation.Should().Be(1);
        created.Metadata.CreationTimestamp.Should().BeCloseTo(DateTime.UtcNow, TimeSpan.FromMinutes(1));
        created.Metadata.ResourceVersion.Should().Be(api.Store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        read.Metadata.Uid.Should().Be(created.Metadata.Uid);
        read.Spec.Template.Spec.Containers[0].Image.Should().Be("busybox:1");
    }

    [Fact]
    public async Task Create_BumpsTheGlobalResourceVersionAcrossKinds()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();

        var first = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace);
        var second = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("b"), Namespace);

        long.Parse(second.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeGreaterThan(long.Parse(first.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task List_WithLabelSelector_ReturnsOnlyMatchingObjects()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("a", new() { ["tier"] = "gpu", ["team"] = "chat" }), Namespace);
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("b", new() { ["tier"] = "cpu" }), Namespace);
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("c"), Namespace);

        var gpu = await client.AppsV1.ListNamespacedDeploymentAsync(Namespace, labelSelector: "tier=gpu");
        var notGpu = await client.AppsV1.ListNamespacedDeploymentAsync(Namespace, labelSelector: "tier!=gpu");
        var both = await client.AppsV1.ListNamespacedDeploymentAsync(Namespace, labelSelector: "tier==gpu,team");
        var unlabelled = await client.AppsV1.ListNamespacedDeploymentAsync(Namespace, labelSelector: "!tier");
        var inSet = await client.AppsV1.ListNamespacedDeploymentAsync(Namespace, labelSelector: "tier in (cpu, gpu)");

        gpu.Items.Select(d => d.Metadata.Name).Should().Equal("a");
        notGpu.Items.Select(d => d.Metadata.Name).Should().Equal("b", "c");
        both.Items.Select(d => d.Metadata.Name).Should().Equal("a");
        unlabelled.Items.Select(d => d.Metadata.Name).Should().Equal("c");
        inSet.Items.Select(d => d.Metadata.Name).Should().Equal("a", "b");
    }

    [Fact]
    public async Task List_SetsKindOnItems_AndTheCurrentResourceVersion()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace);
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), "other");

        var all = await client.CoreV1.ListConfigMapForAllNamespacesAsync();
        var byName = await client.CoreV1.ListConfigMapForAllNamespacesAsync(fieldSelector: "metadata.name=b");

        all.Items.Should().HaveCount(2).And.OnlyContain(c => c.Kind == "ConfigMap" && c.ApiVersion == "v1");
        all.Metadata.ResourceVersion.Should().Be("2");
        byName.Items.Should().ContainSingle().Which.Metadata.NamespaceProperty.Should().Be("other");
    }

    [Fact]
    public async Task Create_WhenNameIsTaken_Returns409AlreadyExists()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("taken"), Namespace);

        var status = await RefusalAsync(() => client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("taken"), Namespace), HttpStatusCode.Conflict);

        status.Reason.Should().Be("AlreadyExists");
        status.Code.Should().Be(409);
        status.Message.Should().Be("configmaps \"taken\" already exists");
    }

    [Fact]
    public async Task Get_WhenMissing_Returns404NotFound()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();

        var status = await RefusalAsync(() => client.AppsV1.ReadNamespacedDeploymentAsync("missing", Namespace), HttpStatusCode.NotFound);

        status.Reason.Should().Be("NotFound");
        status.Message.Should().Be("deployments.apps \"missing\" not found");
    }

    [Fact]
    public async Task Get_OfAnUnregisteredResource_Returns404_UntilItIsRegistered()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();

        var status = await RefusalAsync(() => client.CustomObjects.ListClusterCustomObjectAsync("example.com", "v1", "widgets"), HttpStatusCode.NotFound);
        api.Resources.Register(new ResourceType("example.com", "v1", "widgets", "Widget", IsNamespaced: false));
        var list = await client.CustomObjects.ListClusterCustomObjectAsync("example.com", "v1", "widgets");

        status.Reason.Should().Be("NotFound");
        list.ToString().Should().Contain("WidgetList");
    }

    [Fact]
    public async Task Update_WithStaleResourceVersion_Returns409Conflict()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        var stale = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("worker"), Namespace);
        var fresh = await client.AppsV1.ReadNamespacedDeploymentAsync("worker", Namespace);
        fresh.Spec.Replicas = 2;
        await client.AppsV1.ReplaceNamespacedDeploymentAsync(fresh, "worker", Namespace);

        stale.Spec.Replicas = 3;
        var status = await RefusalAsync(() => client.AppsV1.ReplaceNamespacedDeploymentAsync(stale, "worker", Namespace), HttpStatusCode.Conflict);

        status.Reason.Should().Be("Conflict");
        status.Message.Should().Contain("the object has been modified; please apply your changes to the latest version and try again");
        (await client.AppsV1.ReadNamespacedDeploymentAsync("worker", Namespace)).Spec.Replicas.Should().Be(2);
    }

    [Fact]
    public async Task Update_WithoutResourceVersion_Returns422()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings"), Namespace);

        var status = await RefusalAsync(() => client.CoreV1.ReplaceNamespacedConfigMapAsync(ConfigMap("settings"), "settings", Namespace), HttpStatusCode.UnprocessableEntity);

        status.Message.Should().Contain("metadata.resourceVersion");
    }

    [Fact]
    public async Task Update_ThatChangesSpec_BumpsGeneration_AndKeepsUidAndCreationTimestamp()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("worker"), Namespace);

        var change = await client.AppsV1.ReadNamespacedDeploymentAsync("worker", Namespace);
        change.Spec.Replicas = 2;
        change.Metadata.Uid = "forged";
        var updated = await client.AppsV1.ReplaceNamespacedDeploymentAsync(change, "worker", Namespace);
        updated.Metadata.Labels = new Dictionary<string, string> { ["only"] = "metadata" };
        var relabelled = await client.AppsV1.ReplaceNamespacedDeploymentAsync(updated, "worker", Namespace);

        updated.Metadata.Generation.Should().Be(2);
        updated.Metadata.Uid.Should().Be(created.Metadata.Uid);
        updated.Metadata.CreationTimestamp.Should().Be(created.Metadata.CreationTimestamp);
        relabelled.Metadata.Generation.Should().Be(2, "a metadata-only change does not bump generation");
        relabelled.Metadata.ResourceVersion.Should().NotBe(updated.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Update_ThatChangesNothing_KeepsTheResourceVersion()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("worker"), Namespace);

        var same = await client.AppsV1.ReplaceNamespacedDeploymentAsync(created, "worker", Namespace);

        same.Metadata.ResourceVersion.Should().Be(created.Metadata.ResourceVersion);
        api.Store.ResourceVersion.Should().Be(1);
    }

    [Fact]
    public async Task UpdateStatus_ChangesOnlyStatus_AndDoesNotBumpGeneration()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("worker"), Namespace);

        created.Status = new V1DeploymentStatus { AvailableReplicas = 1, ObservedGeneration = 1 };
        created.Spec.Replicas = 5;
        var updated = await client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(created, "worker", Namespace);

        updated.Status.AvailableReplicas.Should().Be(1);
        updated.Spec.Replicas.Should().Be(1, "the status subresource ignores spec");
        updated.Metadata.Generation.Should().Be(1);
    }

    [Fact]
    public async Task Update_OfTheMainResource_IgnoresStatus()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("worker"), Namespace);
        created.Status = new V1DeploymentStatus { AvailableReplicas = 1 };
        var withStatus = await client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(created, "worker", Namespace);

        withStatus.Status.AvailableReplicas = 7;
        withStatus.Spec.Replicas = 2;
        var updated = await client.AppsV1.ReplaceNamespacedDeploymentAsync(withStatus, "worker", Namespace);

        updated.Spec.Replicas.Should().Be(2);
        updated.Status.AvailableReplicas.Should().Be(1, "the main resource keeps the stored status");
    }

    [Fact]
    public async Task Create_OfAKindWithStatusSubresource_DropsStatus()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        var chat = Chat("chat");
        chat.Status = new TestChatStatus { Phase = "Ready" };

        var created = await client.CustomObjects.CreateNamespacedCustomObjectAsync<TestChat>(chat, "parley.dev", "v1alpha1", Namespace, "chatdeployments");

        created.Status.Should().BeNull();
    }

    [Fact]
    public async Task MergePatch_ChangesOnlyTheGivenFields()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("worker", new() { ["keep"] = "me", ["drop"] = "me" }), Namespace);

        var patch = new V1Patch("""{"metadata":{"labels":{"drop":null,"add":"yes"}},"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch);
        var patched = await client.AppsV1.PatchNamespacedDeploymentAsync(patch, "worker", Namespace);

        patched.Metadata.Labels.Should().Equal(new Dictionary<string, string> { ["keep"] = "me", ["add"] = "yes" });
        patched.Spec.Replicas.Should().Be(3);
        patched.Spec.Template.Spec.Containers.Should().ContainSingle();
        patched.Metadata.Generation.Should().Be(2);
    }

    [Fact]
    public async Task MergePatch_WithStaleResourceVersion_Returns409()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("worker"), Namespace);

        var patch = new V1Patch("""{"metadata":{"resourceVersion":"999"},"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch);
        var status = await RefusalAsync(() => client.AppsV1.PatchNamespacedDeploymentAsync(patch, "worker", Namespace), HttpStatusCode.Conflict);

        status.Reason.Should().Be("Conflict");
    }

    [Fact]
    public async Task MergePatch_OfStatus_ChangesOnlyStatus()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        await client.CustomObjects.CreateNamespacedCustomObjectAsync<TestChat>(Chat("chat"), "parley.dev", "v1alpha1", Namespace, "chatdeployments");

        var patch = new V1Patch("""{"spec":{"model":"other/model"},"status":{"phase":"Ready"}}""", V1Patch.PatchType.MergePatch);
        var patched = await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync<TestChat>(patch, "parley.dev", "v1alpha1", Namespace, "chatdeployments", "chat");

        patched.Status!.Phase.Should().Be("Ready");
        patched.Spec.Model.Should().Be("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B");
        patched.Metadata.Generation.Should().Be(1);
    }

    [Fact]
    public async Task JsonPatch_AppliesAddReplaceRemoveAndTest()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("worker", new() { ["old"] = "x" }), Namespace);

        var patch = new V1Patch("""
            [
              {"op":"test","path":"/spec/replicas","value":1},
              {"op":"replace","path":"/spec/replicas","value":4},
              {"op":"add","path":"/metadata/labels/app.kubernetes.io~1name","value":"parley"},
              {"op":"remove","path":"/metadata/labels/old"},
              {"op":"add","path":"/spec/template/spec/containers/-","value":{"name":"sidecar","image":"busybox:1"}}
            ]
            """, V1Patch.PatchType.JsonPatch);
        var patched = await client.AppsV1.PatchNamespacedDeploymentAsync(patch, "worker", Namespace);

        patched.Spec.Replicas.Should().Be(4);
        patched.Metadata.Labels.Should().Equal(new Dictionary<string, string> { ["app.kubernetes.io/name"] = "parley" });
        patched.Spec.Template.Spec.Containers.Select(c => c.Name).Should().Equal("main", "sidecar");
    }

    [Fact]
    public async Task JsonPatch_WhenTestFails_Returns422_AndChangesNothing()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("worker"), Namespace);

        var patch = new V1Patch("""[{"op":"test","path":"/spec/replicas","value":9},{"op":"replace","path":"/spec/replicas","value":4}]""", V1Patch.PatchType.JsonPatch);
        await RefusalAsync(() => client.AppsV1.PatchNamespacedDeploymentAsync(patch, "worker", Namespace), HttpStatusCode.UnprocessableEntity);

        (await client.AppsV1.ReadNamespacedDeploymentAsync("worker", Namespace)).Metadata.ResourceVersion.Should().Be(created.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task GenericClient_CreatesReadsListsAndDeletesCustomResources()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var chats = new GenericClient(api.CreateClient(), "parley.dev", "v1alpha1", "chatdeployments");

        var created = await chats.CreateNamespacedAsync(Chat("chat"), Namespace);
        var read = await chats.ReadNamespacedAsync<TestChat>(Namespace, "chat");
        var list = await chats.ListNamespacedAsync<TestChatList>(Namespace);
        var deleted = await chats.DeleteNamespacedAsync<TestChat>(Namespace, "chat");

        created.Metadata.Uid.Should().NotBeNullOrEmpty();
        read.Spec.Model.Should().Be("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B");
        list.Items.Should().ContainSingle().Which.Kind.Should().Be("ChatDeployment");
        deleted.Metadata.Name.Should().Be("chat");
        api.Store.List("chatdeployments").Should().BeEmpty();
    }
}
