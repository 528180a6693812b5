using Parley.Operator.Autoscaling;

namespace Parley.Operator.Tests.Autoscaling;

public class PendingScaleDecisionsTests
{
    private static readonly DateTime ScaledToOne = new(2026, 12, 3, 10, 0, 0, 300, DateTimeKind.Utc);
    private static readonly DateTime ScaledToZero = ScaledToOne.AddMinutes(1);
    private static readonly DateTime WokenToOne = ScaledToZero.AddSeconds(20);

    [Fact]
    public void ADecisionMadeAgainstTheCurrentScaling_IsTakenOnce()
    {
        var pending = new PendingScaleDecisions();
        var idle = new ScaleDecision(1, 0, "idle.");
        pending.Offer("team-a/r1", idle, ScaledToOne);

        pending.Take("team-a/r1", ScaledToOne).Should().Be(idle);
        pending.Take("team-a/r1", ScaledToOne).Should().BeNull("a decision is delivered once");
    }

    [Fact]
    public void ADecisionMadeBeforeAWake_IsDropped_ThoughItsReplicaCountMatchesAgain()
    {
        // The loop read 1 replica (before the scale to zero), then the router's load; meanwhile the operator scaled to
        // zero and a held request woke one replica. The old "1 to 0" must not stop the replica being woken.
        var pending = new PendingScaleDecisions();
        pending.Offer("team-a/r1", new ScaleDecision(1, 0, "idle."), ScaledToOne);

        pending.Take("team-a/r1", WokenToOne).Should().BeNull();
        pending.Take("team-a/r1", ScaledToOne).Should().BeNull("the stale decision is gone, not kept for later");
    }
}
