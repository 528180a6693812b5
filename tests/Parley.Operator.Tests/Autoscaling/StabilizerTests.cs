using Parley.Operator.Autoscaling;

namespace Parley.Operator.Tests.Autoscaling;

public class StabilizerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly AutoscalingSettings Settings = new(1, 10, 8, 0.9, ScaleDownDelay: TimeSpan.FromMinutes(5), ScaleToZeroAfter: null);

    private static ScaleRecommendation Recommend(int replicas) => new(replicas, $"recommended {replicas}.");

    [Fact]
    public void Decide_HigherRecommendation_ScalesUpAtOnce()
    {
        var decision = new Stabilizer(0, T0.AddHours(-1)).Decide(Settings, current: 1, Recommend(4), T0);

        decision.Desired.Should().Be(4);
        decision.Sentence.Should().Be("Scaled from 1 to 4: recommended 4.");
    }

    [Fact]
    public void Decide_ScaleUp_GoesToTheHighestRecommendationOfTheUpWindow()
    {
        var stabilizer = new Stabilizer(0, T0.AddHours(-1));
        stabilizer.Decide(Settings, current: 1, Recommend(6), T0); // not applied, say: the current count stays 1
        var decision = stabilizer.Decide(Settings, current: 1, Recommend(3), T0.AddSeconds(5));

        decision.Desired.Should().Be(6);
        decision.Because.Should().Contain("highest recommendation of the last 15s was 6");
    }

    [Fact]
    public void Decide_ScaleUp_ForgetsRecommendationsOlderThanTheUpWindow()
    {
        var stabilizer = new Stabilizer(0, T0.AddHours(-1));
        stabilizer.Decide(Settings, current: 1, Recommend(6), T0);

        stabilizer.Decide(Settings, current: 1, Recommend(3), T0.AddSeconds(20)).Desired.Should().Be(3);
    }

    [Fact]
    public void Decide_LowerRecommendation_WaitsForScaleDownDelay()
    {
        var stabilizer = new Stabilizer(0, T0.AddHours(-1));
        stabilizer.Decide(Settings, current: 4, Recommend(4), T0);

        var early = stabilizer.Decide(Settings, current: 4, Recommend(1), T0.AddMinutes(1));
        var stillEarly = stabilizer.Decide(Settings, current: 4, Recommend(1), T0.AddMinutes(5));
        var late = stabilizer.Decide(Settings, current: 4, Recommend(1), T0.AddMinutes(5).AddSeconds(1));

        early.IsChange.Should().BeFalse();
        early.Because.Should().Contain("Held at 4").And.Contain("last 5m (scaleDownDelay)");
        stillEarly.IsChange.Should().BeFalse("the recommendation of 4 is exactly 5 minutes old: still inside the window");
        late.Desired.Should().Be(1);
    }

    [Fact]
    public void Decide_ScaleDown_GoesToTheHighestRecommendationInTheWindow()
    {
        var stabilizer = new Stabilizer(0, T0.AddHours(-1));
        stabilizer.Decide(Settings, current: 5, Recommend(5), T0);
        stabilizer.Decide(Settings, current: 5, Recommend(3), T0.AddMinutes(3));

        var decision = stabilizer.Decide(Settings, current: 5, Recommend(1), T0.AddMinutes(6));

        decision.Desired.Should().Be(3, "3 was recommended 3 minutes ago, inside the 5-minute window");
        decision.Sentence.Should().StartWith("Scaled from 5 to 3:");
    }

    [Fact]
    public void Decide_ANewStabilizer_WaitsAFullScaleDownDelayBeforeScalingDown()
    {
        var stabilizer = new Stabilizer(current: 3, T0);

        stabilizer.Decide(Settings, current: 3, Recommend(1), T0.AddSeconds(5)).IsChange.Should().BeFalse("after a restart the load before it is unknown");
        stabilizer.Decide(Settings, current: 3, Recommend(1), T0.AddMinutes(5).AddSeconds(1)).Desired.Should().Be(1);
    }

    [Fact]
    public void Decide_ANewStabilizer_ScalesUpAtOnce()
    {
        new Stabilizer(current: 1, T0).Decide(Settings, current: 1, Recommend(3), T0.AddSeconds(5)).Desired.Should().Be(3);
    }

    [Fact]
    public void Decide_IdleToZero_IsNotDelayedByScaleDownDelay()
    {
        var stabilizer = new Stabilizer(0, T0.AddHours(-1));
        stabilizer.Decide(Settings, current: 3, Recommend(3), T0);

        var decision = stabilizer.Decide(Settings, current: 3, new ScaleRecommendation(0, "idle.", IsIdle: true), T0.AddSeconds(10));

        decision.Desired.Should().Be(0);
        stabilizer.RecommendationCount.Should().Be(0, "the history before zero says nothing about the load after it");
    }

    [Fact]
    public void Decide_SameRecommendation_IsNoChange()
    {
        var decision = new Stabilizer(0, T0.AddHours(-1)).Decide(Settings, current: 2, Recommend(2), T0);

        decision.IsChange.Should().BeFalse();
        decision.Sentence.Should().Be("Kept 2: recommended 2.");
    }

    [Fact]
    public void Decide_KeepsOnlyTheLongestWindowOfHistory()
    {
        var stabilizer = new Stabilizer(0, T0.AddHours(-1));
        for (var i = 0; i < 100; i++)
        {
            stabilizer.Decide(Settings, current: 2, Recommend(2), T0.AddSeconds(10 * i));
        }

        stabilizer.RecommendationCount.Should().Be(31, "5 minutes at one per 10 s, both ends included");
    }

    [Theory]
    [InlineData(0, 2, ScaleDecision.ScaledFromZero)]
    [InlineData(2, 0, ScaleDecision.ScaledToZero)]
    [InlineData(1, 3, ScaleDecision.ScaledUp)]
    [InlineData(3, 1, ScaleDecision.ScaledDown)]
    public void ReasonFor_NamesTheDirection(int from, int to, string reason)
    {
        ScaleDecision.ReasonFor(from, to).Should().Be(reason);
    }
}
