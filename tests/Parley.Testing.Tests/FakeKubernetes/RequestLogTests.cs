using System.Net;
using k8s;
using Parley.LocalCluster.Api;
using static Parley.Testing.Tests.FakeKubernetes.TestObjects;

namespace Parley.Testing.Tests.FakeKubernetes;

public sealed class RequestLogTests
{
    [Fact]
    public async Task WriteCount_CountsOnlySuccessfulWrites()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();

        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("worker"), Namespace);
        await client.AppsV1.ReadNamespacedDeploymentAsync("worker", Namespace);
        await client.AppsV1.ListNamespacedDeploymentAsync(Namespace);
        await RefusalAsync(() => client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("worker"), Namespace), HttpStatusCode.Conflict);
        await client.AppsV1.ReplaceNamespacedDeploymentAsync(created, "worker", Namespace);
        await client.AppsV1.DeleteNamespacedDeploymentAsync("worker", Namespace);

        api.WriteCount.Should().Be(3);
        api.Requests.Count("GET").Should().Be(2);
        api.Requests.Count("POST", "/apis/apps/v1/namespaces/default/deployments").Should().Be(2);
        api.Requests.Count(r => r.StatusCode == 409).Should().Be(1);
        api.Requests.All.Select(r => r.ToString()).Should().StartWith("POST /apis/apps/v1/namespaces/default/deployments -> 201");
    }

    [Fact]
    public async Task Clear_ForgetsEarlierRequests()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        // A short timeout: a server that mistook watch=false for a watch would otherwise keep this list open for 100 s.
        using var client = api.CreateClient(TimeSpan.FromSeconds(5));
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("seed"), Namespace);

        api.Requests.Clear();
        await client.CoreV1.ListNamespacedConfigMapAsync(Namespace);

        api.WriteCount.Should().Be(0);
        api.Requests.All.Should().ContainSingle().Which.Query.Should().Contain("watch=false", "KubernetesClient sends it on plain lists");
    }

    [Fact]
    public async Task Watch_IsLoggedWhenItsStreamStarts()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("seed"), Namespace);
        await using var events = client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, cancellationToken: timeout.Token).GetAsyncEnumerator(timeout.Token);

        await events.MoveNextAsync();

        api.Requests.All.Should().Contain(r => r.IsWatch && r.StatusCode == 200);
    }
}
