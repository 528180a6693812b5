using System.Text.Json.Nodes;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Api.Contracts;
using Parley.LocalCluster.Api;
using Parley.Router.Holding;

namespace Parley.Router.Tests.Holding;

public class ChatDeploymentWakerTests
{
    private const string Namespace = "chat";

    [Fact]
    public async Task ARequestHeldAgainAfterTheQueueEmptied_PatchesAtOnce_WithoutWaitingForTheRefreshInterval()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        api.Store.Upsert("chatdeployments.parley.dev", new JsonObject
        {
            ["apiVersion"] = "parley.dev/v1alpha1",
            ["kind"] = "ChatDeployment",
            ["metadata"] = new JsonObject { ["name"] = "demo", ["namespace"] = Namespace },
            ["spec"] = new JsonObject(),
        });
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = api.Url });
        var clock = new TimersNeverFire();
        var queue = new HoldQueue(10, clock);
        using var waker = new ChatDeploymentWaker(client, Namespace, "demo", queue, clock, NullLogger<ChatDeploymentWaker>.Instance);
        await waker.StartAsync(CancellationToken.None);

        queue.TryEnter();
        var first = await WakeAnnotationAsync(api, previous: null);
        queue.ReleaseAll();
        queue.TryEnter();
        var second = await WakeAnnotationAsync(api, previous: first);

        await waker.StopAsync(CancellationToken.None);
        DateTimeOffset.Parse(second, System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeAfter(DateTimeOffset.Parse(first, System.Globalization.CultureInfo.InvariantCulture), "the time carries fractions of a second");
    }

    private static async Task<string> WakeAnnotationAsync(InMemoryKubernetesApi api, string? previous)
    {
        for (var attempt = 0; attempt < 1500; attempt++)
        {
            var chat = api.Store.Get("chatdeployments.parley.dev", Namespace, "demo");
            if (chat?["metadata"]?["annotations"]?[ScaleFromZero.WakeAnnotation]?.GetValue<string>() is { } value && value != previous)
            {
                return value;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"The waker set no wake annotation newer than {previous ?? "none"}.");
    }

    /// <summary>The real time, but the refresh interval never passes: only a new need for a replica can cause a patch.</summary>
    private sealed class TimersNeverFire : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new Idle();

        private sealed class Idle : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
