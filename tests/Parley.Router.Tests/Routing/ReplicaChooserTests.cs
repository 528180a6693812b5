using Parley.Router.Routing;

namespace Parley.Router.Tests.Routing;

public class ReplicaChooserTests
{
    [Fact]
    public void Choose_WithoutReadyReplicas_ReturnsNull() =>
        new ReplicaChooser(RoutingPolicy.Affinity, 1.25).Choose(ReplicaSet.Of(0).Snapshot, 1).Should().BeNull();

    [Fact]
    public void Choose_SameKeyUnderLightLoad_StaysOnItsHome()
    {
        var chooser = new ReplicaChooser(RoutingPolicy.Affinity, 1.25);
        var snapshot = ReplicaSet.Of(3).Snapshot;
        var key = ReplicaSet.Keys(1).Single();

        var choices = Enumerable.Range(0, 20).Select(_ => chooser.Choose(snapshot, key)!).ToList();

        choices.Select(c => c.Backend).Distinct().Should().ContainSingle();
        choices.Should().OnlyContain(c => c.Decision == RouteDecision.Affinity && c.IsAffinityHit);
        choices[0].Backend.Should().BeSameAs(snapshot.Ready[snapshot.Ring.Walk(key).First()]);
    }

    [Fact]
    public void Choose_WhenHomeIsAtTheBound_SpillsToTheNextReplicaOnTheRing()
    {
        var chooser = new ReplicaChooser(RoutingPolicy.Affinity, 1.25);
        var snapshot = ReplicaSet.Of(3).Snapshot;
        var key = ReplicaSet.Keys(1).Single();
        var walk = snapshot.Ring.Walk(key).Select(i => snapshot.Ready[i]).ToList();
        ReplicaSet.SetInFlight(walk[0], 4); // bound = ceil(1.25 * (4 + 1) / 3) = 3

        var choice = chooser.Choose(snapshot, key)!;

        choice.Backend.Should().BeSameAs(walk[1]);
        choice.Decision.Should().Be(RouteDecision.Affinity);
        choice.IsAffinityHit.Should().BeFalse();
    }

    [Fact]
    public void Choose_WhenEveryOtherReplicaIsExcludedOrOverTheBound_FallsBackToTheLeastLoaded()
    {
        var chooser = new ReplicaChooser(RoutingPolicy.Affinity, 1.0);
        var snapshot = ReplicaSet.Of(2).Snapshot;
        var key = ReplicaSet.Keys(1).Single();
        var walk = snapshot.Ring.Walk(key).Select(i => snapshot.Ready[i]).ToList();
        ReplicaSet.SetInFlight(walk[1], 3); // bound = ceil(1.0 * (3 + 1) / 2) = 2: walk[1] is over it, walk[0] is excluded

        var choice = chooser.Choose(snapshot, key, excluded: walk[0])!;

        choice.Backend.Should().BeSameAs(walk[1]);
        choice.Decision.Should().Be(RouteDecision.Fallback);
    }

    [Fact]
    public void Choose_ManyConcurrentKeys_KeepsEveryReplicaWithinTheBound()
    {
        var chooser = new ReplicaChooser(RoutingPolicy.Affinity, 1.25);
        var snapshot = ReplicaSet.Of(4).Snapshot;
        foreach (var key in ReplicaSet.Keys(400))
        {
            var total = snapshot.Ready.Sum(b => b.InFlightCount);
            var choice = chooser.Choose(snapshot, key)!;
            choice.Backend.InFlightCount.Should().BeLessThan(ReplicaChooser.Bound(1.25, total, 4));
            choice.Backend.Enter();
        }

        snapshot.Ready.Max(b => b.InFlightCount).Should().BeLessThanOrEqualTo((int)Math.Ceiling(1.25 * 400 / 4));
    }

    [Fact]
    public void Choose_WithoutKey_TakesTheLeastLoadedReplica()
    {
        var chooser = new ReplicaChooser(RoutingPolicy.Affinity, 1.25);
        var snapshot = ReplicaSet.Of(3).Snapshot;
        ReplicaSet.SetInFlight(snapshot.Ready[0], 2);
        ReplicaSet.SetInFlight(snapshot.Ready[2], 1);

        var choice = chooser.Choose(snapshot, key: null)!;

        choice.Backend.Should().BeSameAs(snapshot.Ready[1]);
        choice.Decision.Should().Be(RouteDecision.LeastLoaded);
    }

    [Fact]
    public void Choose_RoundRobin_CyclesThroughReplicasWhateverTheKey()
    {
        var chooser = new ReplicaChooser(RoutingPolicy.RoundRobin, 1.25);
        var snapshot = ReplicaSet.Of(3).Snapshot;
        var key = ReplicaSet.Keys(1).Single();

        var picks = Enumerable.Range(0, 6).Select(_ => chooser.Choose(snapshot, key)!).ToList();

        picks.Select(p => p.Backend).Should().Equal(snapshot.Ready[0], snapshot.Ready[1], snapshot.Ready[2], snapshot.Ready[0], snapshot.Ready[1], snapshot.Ready[2]);
        picks.Should().OnlyContain(p => p.Decision == RouteDecision.RoundRobin);
    }

    [Fact]
    public void Choose_ExcludingTheOnlyReadyReplica_ReturnsNull()
    {
        var snapshot = ReplicaSet.Of(1).Snapshot;
        new ReplicaChooser(RoutingPolicy.Affinity, 1.25).Choose(snapshot, 7, excluded: snapshot.Ready[0]).Should().BeNull();
    }
}
