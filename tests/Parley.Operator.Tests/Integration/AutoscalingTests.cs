using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using Parley.Api;
using Parley.Api.Contracts;
using Parley.Api.Serialization;
using Parley.Api.Spec;
using Parley.Operator.Autoscaling;

namespace Parley.Operator.Tests.Integration;

/// <summary>The autoscaler against the in-memory API and a stub router: its loop reads the load, the reconciler writes
/// the worker Deployment, status.autoscaling and an Event.</summary>
public class AutoscalingTests
{
    private const string Ns = "team-a";

    // Two requests per replica, 1 to 4 replicas (or 0 to 4), scale down after 10 minutes of lower load.
    private static ChatDeployment Chat(int min = 1) => new()
    {
        Metadata = new V1ObjectMeta { Name = "r1", NamespaceProperty = Ns },
        Spec = new ChatDeploymentSpec
        {
            Model = new ModelSpec { Source = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B" },
            Worker = new WorkerSpec
            {
                Autoscaling = new AutoscalingSpec
                {
                    MinReplicas = min, MaxReplicas = 4, TargetInFlightPerReplica = 2, ScaleDownDelay = "10m", ScaleToZeroAfter = min == 0 ? "15m" : null,
                },
            },
        },
    };

    private sealed record Cluster(OperatorHarness Harness, RouterLoadStub Router, ShiftedClock Clock, Parley.Operator.Cli.OperatorHost Operator) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Harness.DisposeAsync();
            await Router.DisposeAsync();
        }

        public int? WorkerReplicas() => Harness.Api.Store.Get<V1Deployment>(Ns, "r1-worker")?.Spec.Replicas;

        public Task<V1Deployment> WorkerAtAsync(int replicas) =>
            OperatorHarness.EventuallyAsync(() => Harness.Api.Store.Get<V1Deployment>(Ns, "r1-worker"), d => d.Spec.Replicas == replicas, $"{replicas} worker replicas");

        public Task<Corev1Event> EventAsync(string reason) => OperatorHarness.EventuallyAsync(
            () => Harness.Api.Store.List("events", Ns).Select(Manifests.FromJson<Corev1Event>).FirstOrDefault(e => e.Reason == reason), _ => true, $"a {reason} Event");

        /// <summary>Waits until the loop has read the load <paramref name="reads"/> more times, then for the writes that follow.</summary>
        public async Task LoopSeesAsync(int reads = 3)
        {
            var target = Router.ReadCount + reads;
            await OperatorHarness.EventuallyAsync(() => (int?)Router.ReadCount, count => count >= target, $"{reads} more load reads");
            await Harness.SettleAsync();
        }
    }

    private static async Task<Cluster> StartAsync(ChatDeployment chat)
    {
        var router = await RouterLoadStub.StartAsync();
        var clock = new ShiftedClock();
        var harness = await OperatorHarness.StartAsync("rtx3060.yaml", startOperator: false);
        var host = harness.StartOperator(OperatorHarness.FastOptions() with { AutoscaleInterval = TimeSpan.FromMilliseconds(100), ServiceAddress = router.Address },
            clock: clock);
        await harness.ApplyAsync(chat);
        var cluster = new Cluster(harness, router, clock, host);
        await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Autoscaling?.DesiredReplicas == 1, "the autoscaler to start");
        router.ApiKey = Encoding.UTF8.GetString(harness.Api.Store.Get<V1Secret>(Ns, "r1-credentials")!.Data["api-key"]);
        return cluster;
    }

    [Fact]
    public async Task LoadRises_WorkerReplicasGoUp_WithAnEventAndStatus()
    {
        await using var cluster = await StartAsync(Chat());
        cluster.WorkerReplicas().Should().Be(1, "a new ChatDeployment starts at minReplicas");

        cluster.Router.Load = new RouterLoad { Held = 1, InFlight = 5 };

        await cluster.WorkerAtAsync(3);
        var scaled = await cluster.EventAsync(ScaleDecision.ScaledUp);
        scaled.Message.Should().StartWith("Scaled from 1 to 3: 6 requests (1 held, 5 at the workers) need 3 replicas at 2 per replica");
        var status = cluster.Harness.Chat(Ns, "r1")!.Status!.Autoscaling!;
        status.DesiredReplicas.Should().Be(3);
        status.LastDecision.Should().Be(scaled.Message);
        status.LastScaleTime.Should().NotBeNull();
    }

    [Fact]
    public async Task OperatorRestart_KeepsTheChosenCount()
    {
        await using var cluster = await StartAsync(Chat());
        cluster.Router.Load = new RouterLoad { Held = 0, InFlight = 6 };
        await cluster.WorkerAtAsync(3);
        cluster.Router.Load = new RouterLoad { Held = 0, InFlight = 0 }; // lower, but a new operator's window starts empty

        await cluster.Harness.StopOperatorAsync(cluster.Operator);
        cluster.Harness.StartOperator(OperatorHarness.FastOptions() with { AutoscaleInterval = TimeSpan.FromMilliseconds(100), ServiceAddress = cluster.Router.Address },
            clock: cluster.Clock);
        await cluster.LoopSeesAsync();

        cluster.WorkerReplicas().Should().Be(3, "the count lives in status.autoscaling, and scaling down still waits for scaleDownDelay");
        cluster.Harness.Chat(Ns, "r1")!.Status!.Autoscaling!.DesiredReplicas.Should().Be(3);
    }

    [Fact]
    public async Task LoadFalls_WorkerReplicasGoDownOnlyAfterScaleDownDelay()
    {
        await using var cluster = await StartAsync(Chat());
        cluster.Router.Load = new RouterLoad { Held = 0, InFlight = 8 };
        await cluster.WorkerAtAsync(4);

        cluster.Router.Load = new RouterLoad { Held = 0, InFlight = 0 };
        await cluster.LoopSeesAsync();
        cluster.WorkerReplicas().Should().Be(4, "the load has been lower for less than scaleDownDelay (10m)");
        cluster.Harness.Chat(Ns, "r1")!.Status!.Autoscaling!.DesiredReplicas.Should().Be(4);

        cluster.Clock.Advance(TimeSpan.FromMinutes(11));

        await cluster.WorkerAtAsync(1);
        (await cluster.EventAsync(ScaleDecision.ScaledDown)).Message.Should().StartWith("Scaled from 4 to 1:");
    }

    [Fact]
    public async Task Idle_ScalesToZero_AndTheWakeAnnotationScalesToOneAtOnce()
    {
        await using var cluster = await StartAsync(Chat(min: 0));
        cluster.Clock.Advance(TimeSpan.FromMinutes(16));
        await cluster.WorkerAtAsync(0);
        (await cluster.EventAsync(ScaleDecision.ScaledToZero)).Message.Should().Contain("scaleToZeroAfter 15m");
        // The stub holds nothing, so the loop alone would stay at zero: only the annotation can wake a worker.
        await cluster.LoopSeesAsync();
        cluster.WorkerReplicas().Should().Be(0);

        var now = cluster.Clock.GetUtcNow().AddSeconds(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        cluster.Harness.Api.Store.Update(ChatDeployment.Plural, Ns, "r1",
            c => c["metadata"]!["annotations"] = new JsonObject { [ScaleFromZero.WakeAnnotation] = now });

        await cluster.WorkerAtAsync(1);
        (await cluster.EventAsync(ScaleDecision.ScaledFromZero)).Message.Should().Contain($"wake requested at {now}");
    }

    [Fact]
    public async Task HeldRequestsAtZero_TheLoopScalesFromZeroToo()
    {
        await using var cluster = await StartAsync(Chat(min: 0));
        cluster.Clock.Advance(TimeSpan.FromMinutes(16));
        await cluster.WorkerAtAsync(0);

        cluster.Router.Load = new RouterLoad { Held = 3, InFlight = 0, OldestHeldSeconds = 1 };

        await cluster.WorkerAtAsync(2);
        (await cluster.EventAsync(ScaleDecision.ScaledFromZero)).Message.Should().Contain("3 requests are held at 0 ready replicas");
    }

    [Fact]
    public async Task RouterWithoutTheApiKey_IsNotBelieved_AndTheCountStays()
    {
        await using var cluster = await StartAsync(Chat());
        cluster.Router.ApiKey = "another-key";
        // The loop reads one router at a time: once a read was refused, no read that passed the old key is in flight.
        await OperatorHarness.EventuallyAsync(() => (int?)cluster.Router.RejectedCount, count => count >= 1, "a refused read");
        var answered = cluster.Router.ReadCount;
        cluster.Router.Load = new RouterLoad { Held = 0, InFlight = 8 };

        var rejected = cluster.Router.RejectedCount + 3;
        await OperatorHarness.EventuallyAsync(() => (int?)cluster.Router.RejectedCount, count => count >= rejected, "three more refused reads");
        await cluster.Harness.SettleAsync();

        cluster.WorkerReplicas().Should().Be(1, "a 401 is no reading");
        cluster.Router.ReadCount.Should().Be(answered);
    }
}
