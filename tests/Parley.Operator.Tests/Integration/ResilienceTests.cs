using k8s;
using k8s.Models;
using Parley.Api;

namespace Parley.Operator.Tests.Integration;

public class ResilienceTests
{
    private const string Ns = "team-a";

    [Fact]
    public async Task Faults_OnEveryRequestPath_ConvergeToTheSameStateWithNothingDuplicated()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml", startOperator: false);
        // The user's own apply goes in before the faults: they are aimed at the operator's request paths.
        await harness.ApplyAsync(OperatorTests.Chat());
        harness.Api.Faults.Clear(seed: 7);
        harness.Api.Faults.FailFraction(0.2, method: "GET");
        harness.Api.Faults.FailFraction(0.2, method: "POST");
        harness.Api.Faults.FailFraction(0.2, method: "PUT", statusCode: 503);
        harness.Api.Faults.FailFraction(0.2, method: "PATCH", statusCode: 409);
        harness.Api.Faults.FailFraction(0.1, method: "DELETE");
        harness.Api.Faults.HangFraction(0.05, method: "PUT");
        harness.Api.Faults.DropWatchesAfterEventCount = 3;
        harness.StartOperator(OperatorHarness.FastOptions());

        await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1Deployment>(Ns, "r1-ui"), _ => true, "the UI Deployment", TimeSpan.FromSeconds(60));
        harness.MarkAvailable(Ns, "r1-worker");
        harness.MarkAvailable(Ns, "r1-ui");
        var ready = await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Phase == "Ready", "Ready despite faults", TimeSpan.FromSeconds(60));

        harness.Api.Faults.InjectedCount.Should().BeGreaterThan(0, "the test must actually inject faults");
        ready.Status!.Tuning!.MaxModelLen.Should().Be(58_064);
        Names(harness, "deployments").Should().Equal("r1-ui", "r1-worker");
        Names(harness, "services").Should().Equal("r1-ui", "r1-worker");
        Names(harness, "secrets").Should().Equal("r1-credentials");
        Names(harness, "persistentvolumeclaims").Should().Equal("r1-ui-data");
        OperatorTests.Events(harness).Count(e => e.Reason == ConditionReasons.Planned).Should().Be(1);
        ready.Metadata.Finalizers.Should().ContainSingle();
    }

    [Fact]
    public async Task TwoOperators_OnlyTheLeaderReconciles_AndTheOtherTakesOverWhenItDies()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml", startOperator: false);
        var first = harness.StartOperator(OperatorHarness.FastOptions(leaderElection: true, identity: "operator-a"));
        await OperatorHarness.EventuallyAsync(() => (object?)(first.IsLeader ? "leader" : null), _ => true, "a first leader");
        var second = harness.StartOperator(OperatorHarness.FastOptions(leaderElection: true, identity: "operator-b"));
        await Task.Delay(TimeSpan.FromSeconds(1));

        new[] { first.IsLeader, second.IsLeader }.Count(isLeader => isLeader).Should().Be(1);
        await harness.ApplyAsync(OperatorTests.Chat());
        await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Tuning is not null, "the leader's plan");
        second.Api.RequestCount.Should().Be(0, "a follower makes no reconcile calls");

        var stopped = DateTime.UtcNow;
        await harness.StopOperatorAsync(first);
        await OperatorHarness.EventuallyAsync(() => (object?)(second.IsLeader ? "leader" : null), _ => true, "the takeover");
        (DateTime.UtcNow - stopped).Should().BeLessThan(OperatorHarness.FastOptions().LeaseDuration, "a stopping leader hands the Lease over instead of letting it expire");

        await harness.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"worker":{"tuning":{"targetConcurrency":8}}}}""", V1Patch.PatchType.MergePatch),
            ChatDeployment.Group, ChatDeployment.Version, Ns, ChatDeployment.Plural, "r1");
        await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Tuning?.MaxModelLen == 29_024, "the new leader's re-plan");
        second.Api.RequestCount.Should().BeGreaterThan(0);
    }

    private static List<string> Names(OperatorHarness harness, string resource) =>
        harness.Api.Store.List(resource, Ns).Select(o => o["metadata"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
}
