using System.Net;
using k8s.Autorest;
using k8s;
using Parley.LocalCluster.Api;
using static Parley.Testing.Tests.FakeKubernetes.TestObjects;

namespace Parley.Testing.Tests.FakeKubernetes;

public sealed class FaultInjectorTests
{
    [Fact]
    public async Task FailFraction_WithARetryLoop_Converges_AndFailsTheSameRequestsForTheSameSeed()
    {
        var first = await CreateWithRetriesAsync(seed: 7);
        var second = await CreateWithRetriesAsync(seed: 7);

        first.FailedAttempts.Should().BeGreaterThan(0).And.BeLessThan(first.Attempts);
        first.Names.Should().HaveCount(10);
        second.Should().BeEquivalentTo(first);
    }

    [Fact]
    public async Task FailNext_FailsOnlyMatchingRequests_ThenServesNormally()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        api.Faults.FailNext("POST", "/configmaps", statusCode: 503, count: 2);

        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("worker"), Namespace);
        var first = await RefusalAsync(() => client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace), HttpStatusCode.ServiceUnavailable);
        await RefusalAsync(() => client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace), HttpStatusCode.ServiceUnavailable);
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace);

        first.Reason.Should().Be("ServiceUnavailable");
        api.Faults.InjectedCount.Should().Be(2);
        api.Store.List("configmaps").Should().ContainSingle();
    }

    [Fact]
    public async Task HangNext_SurfacesAsAClientTimeout_AndIsLoggedWithoutAStatus()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings"), Namespace);
        api.Faults.HangNext("GET");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var read = () => client.CoreV1.ReadNamespacedConfigMapAsync("settings", Namespace, cancellationToken: timeout.Token);

        await read.Should().ThrowAsync<OperationCanceledException>();
        await EventuallyAsync(() => api.Requests.Count(r => r.StatusCode == 0) == 1, "the server notices the client gave up");
        (await client.CoreV1.ReadNamespacedConfigMapAsync("settings", Namespace)).Metadata.Name.Should().Be("settings");
    }

    [Fact]
    public async Task HangNext_PastTheHangLimit_Answers504()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync(new InMemoryKubernetesOptions { HangLimit = TimeSpan.FromMilliseconds(200) });
        using var client = api.CreateClient();
        api.Faults.HangNext();

        var status = await RefusalAsync(() => client.CoreV1.ListNamespacedConfigMapAsync(Namespace), HttpStatusCode.GatewayTimeout);

        status.Reason.Should().Be("Timeout");
    }

    [Fact]
    public async Task DropWatches_EndsTheClientsEnumerationWithoutAnException()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings"), Namespace);
        await using var events = client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, cancellationToken: timeout.Token).GetAsyncEnumerator(timeout.Token);
        (await events.MoveNextAsync()).Should().BeTrue();

        api.Faults.DropWatches();
        var hasMore = await events.MoveNextAsync();

        hasMore.Should().BeFalse("a cleanly closed watch stream ends the enumeration");
        await EventuallyAsync(() => api.Store.OpenWatchCount == 0, "the dropped watch unsubscribes");
    }

    [Fact]
    public async Task DropWatches_WithAbort_SurfacesAsAnIOException()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings"), Namespace);
        await using var events = client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, cancellationToken: timeout.Token).GetAsyncEnumerator(timeout.Token);
        (await events.MoveNextAsync()).Should().BeTrue();

        api.Faults.DropWatches(abortConnections: true);
        var next = async () => await events.MoveNextAsync();

        // A reset connection reaches the caller as an IOException ("Connection reset by peer", inner SocketException 104;
        // HttpIOException, also an IOException, when the stream is cut mid-chunk).
        await next.Should().ThrowAsync<IOException>();
    }

    [Fact]
    public async Task DropWatchesAfterEventCount_EndsEachWatchAfterThatManyEvents()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 5; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"c{i}"), Namespace);
        }

        api.Faults.DropWatchesAfterEventCount = 2;
        var count = 0;
        await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, cancellationToken: timeout.Token))
        {
            count++;
        }

        count.Should().Be(2);
    }

    [Fact]
    public async Task FailNext_OnWatch_FailsOnlyTheWatchRequest()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        api.Faults.FailNext("WATCH", statusCode: 500);

        await client.CoreV1.ListNamespacedConfigMapAsync(Namespace);
        var watch = async () =>
        {
            await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, cancellationToken: timeout.Token))
            {
            }
        };

        (await watch.Should().ThrowAsync<HttpOperationException>()).Which.Response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
    }

    private static async Task<RetryOutcome> CreateWithRetriesAsync(int seed)
    {
        await using var api = await InMemoryKubernetesApi.StartAsync(new InMemoryKubernetesOptions { FaultSeed = seed });
        using var client = api.CreateClient();
        api.Faults.FailFraction(0.4, method: "POST");
        var attempts = 0;
        var failed = 0;
        for (var i = 0; i < 10; i++)
        {
            for (var attempt = 0; ; attempt++)
            {
                attempt.Should().BeLessThan(20, "a 40% failure rate converges long before 20 tries");
                attempts++;
                try
                {
                    await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"c{i}"), Namespace);
                    break;
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.InternalServerError)
                {
                    failed++;
                    StatusOf(e).Reason.Should().Be("InternalError");
                }
            }
        }

        api.Faults.InjectedCount.Should().Be(failed);
        return new RetryOutcome(attempts, failed, api.Store.List("configmaps").Select(c => c.Name()).ToList());
    }

    private sealed record RetryOutcome(int Attempts, int FailedAttempts, IReadOnlyList<string> Names);
}
