using k8s.Models;
using k8s;
using Parley.LocalCluster.Api;
using static Parley.Testing.Tests.FakeKubernetes.TestObjects;

namespace Parley.Testing.Tests.FakeKubernetes;

public sealed class WatchStreamTests
{
    [Fact]
    public async Task Watch_StreamsAddedModifiedAndDeleted()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("worker"), Namespace);
        await using var events = client.AppsV1.WatchListNamespacedDeploymentAsync(Namespace, cancellationToken: timeout.Token).GetAsyncEnumerator(timeout.Token);

        (await events.MoveNextAsync()).Should().BeTrue();
        var added = events.Current;
        var change = added.Item2;
        change.Spec.Replicas = 2;
        await client.AppsV1.ReplaceNamespacedDeploymentAsync(change, "worker", Namespace);
        (await events.MoveNextAsync()).Should().BeTrue();
        var modified = events.Current;
        await client.AppsV1.DeleteNamespacedDeploymentAsync("worker", Namespace);
        (await events.MoveNextAsync()).Should().BeTrue();
        var deleted = events.Current;

        added.Item1.Should().Be(WatchEventType.Added);
        modified.Item1.Should().Be(WatchEventType.Modified);
        modified.Item2.Spec.Replicas.Should().Be(2);
        modified.Item2.Metadata.Generation.Should().Be(2);
        deleted.Item1.Should().Be(WatchEventType.Deleted);
        deleted.Item2.Metadata.Name.Should().Be("worker");
    }

    [Fact]
    public async Task Watch_FromAResourceVersion_ReplaysLaterEvents_ForTheWatchedNamespaceAndLabels()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("before", new() { ["owned"] = "yes" }), Namespace);
        var listed = await client.AppsV1.ListNamespacedDeploymentAsync(Namespace);
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("after", new() { ["owned"] = "yes" }), Namespace);
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("unlabelled"), Namespace);
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("elsewhere", new() { ["owned"] = "yes" }), "other");
        await client.AppsV1.DeleteNamespacedDeploymentAsync("before", Namespace);

        var events = new List<(WatchEventType Type, string Name)>();
        await foreach (var (type, deployment) in client.AppsV1.WatchListNamespacedDeploymentAsync(
            Namespace, labelSelector: "owned=yes", resourceVersion: listed.Metadata.ResourceVersion, cancellationToken: timeout.Token))
        {
            events.Add((type, deployment.Metadata.Name));
            if (events.Count == 2)
            {
                break;
            }
        }

        events.Should().Equal((WatchEventType.Added, "after"), (WatchEventType.Deleted, "before"));
    }

    [Fact]
    public async Task Watch_OfCustomResources_WithGenericClient_StreamsEvents()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var chats = new GenericClient(api.CreateClient(), "parley.dev", "v1alpha1", "chatdeployments");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await chats.CreateNamespacedAsync(Chat("chat"), Namespace);
        await using var events = chats.WatchNamespacedAsync<TestChat>(Namespace, null, timeout.Token).GetAsyncEnumerator(timeout.Token);

        (await events.MoveNextAsync()).Should().BeTrue();
        var added = events.Current;
        await chats.PatchNamespacedAsync<TestChat>(new V1Patch("""{"spec":{"model":"Qwen/Qwen3-0.6B"}}""", V1Patch.PatchType.MergePatch), Namespace, "chat");
        (await events.MoveNextAsync()).Should().BeTrue();
        var modified = events.Current;

        added.Item1.Should().Be(WatchEventType.Added);
        added.Item2.Spec.Model.Should().Be("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B");
        modified.Item1.Should().Be(WatchEventType.Modified);
        modified.Item2.Spec.Model.Should().Be("Qwen/Qwen3-0.6B");
    }

    [Fact]
    public async Task Watch_FromAResourceVersionOlderThanTheHistory_ReportsA410ExpiredKubernetesException_AndEnds()
    {
        var options = new InMemoryKubernetesOptions { HistoryLimit = 3 };
        await using var api = await InMemoryKubernetesApi.StartAsync(options);
        using var client = api.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 5; i++)
        {
            await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment($"worker-{i}"), Namespace);
        }

        var errors = new List<Exception>();
        var events = new List<WatchEventType>();
        await foreach (var (type, _) in client.AppsV1.WatchListNamespacedDeploymentAsync(
            Namespace, resourceVersion: "1", onError: errors.Add, cancellationToken: timeout.Token))
        {
            events.Add(type);
        }

        // KubernetesClient turns an ERROR event carrying a Status into a KubernetesException passed to onError (never
        // yielded, never thrown); the enumeration then ends because the server closes the stream.
        events.Should().BeEmpty();
        var status = errors.Should().ContainSingle().Which.Should().BeOfType<KubernetesException>().Which.Status;
        status.Code.Should().Be(410);
        status.Reason.Should().Be("Expired");
        status.Message.Should().Be("too old resource version: 1 (3)");
    }

    [Fact]
    public async Task Watch_FromAResourceVersionInsideTheHistory_IsNotExpired()
    {
        var options = new InMemoryKubernetesOptions { HistoryLimit = 3 };
        await using var api = await InMemoryKubernetesApi.StartAsync(options);
        using var client = api.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 5; i++)
        {
            await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment($"worker-{i}"), Namespace);
        }

        var errors = new List<Exception>();
        var names = new List<string>();
        await foreach (var (_, deployment) in client.AppsV1.WatchListNamespacedDeploymentAsync(
            Namespace, resourceVersion: "2", onError: errors.Add, cancellationToken: timeout.Token))
        {
            names.Add(deployment.Metadata.Name);
            if (names.Count == 3)
            {
                break;
            }
        }

        errors.Should().BeEmpty();
        names.Should().Equal("worker-2", "worker-3", "worker-4");
    }

    [Fact]
    public async Task Watch_WithTimeoutSeconds_EndsTheEnumeration()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings"), Namespace);

        var count = 0;
        await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, timeoutSeconds: 1, cancellationToken: timeout.Token))
        {
            count++;
        }

        count.Should().Be(1);
        timeout.IsCancellationRequested.Should().BeFalse("the server ended the watch after one second");
    }

    [Fact]
    public async Task Watch_ThatEndsBeforeItsFirstEvent_SurfacesAsHttpRequestException()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var watch = async () =>
        {
            await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, timeoutSeconds: 1, cancellationToken: timeout.Token))
            {
            }
        };

        // KubernetesClient reads the first line before the watch call returns; a stream that closes empty (an idle
        // watch timing out, on a real server too) fails that read instead of ending the enumeration.
        (await watch.Should().ThrowAsync<HttpRequestException>()).WithInnerException<EndOfStreamException>();
    }

    [Fact]
    public async Task DisposeAsync_EndsOpenWatches()
    {
        var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings"), Namespace);
        var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, cancellationToken: timeout.Token))
                {
                    streaming.TrySetResult();
                }
            }
            catch (IOException)
            {
                // A connection closed by a stopping server is an ending too.
            }
        });

        // Stopped once the watch has streamed its first event: stopped before that, the client's first read fails
        // instead (an empty stream, as Watch_ThatEndsBeforeItsFirstEvent_SurfacesAsHttpRequestException shows).
        await streaming.Task.WaitAsync(TimeSpan.FromSeconds(8));
        api.Store.OpenWatchCount.Should().Be(1);
        await api.DisposeAsync();
        await watching.WaitAsync(TimeSpan.FromSeconds(8));

        timeout.IsCancellationRequested.Should().BeFalse();
    }
}
