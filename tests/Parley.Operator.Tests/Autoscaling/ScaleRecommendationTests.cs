using Parley.Operator.Autoscaling;

namespace Parley.Operator.Tests.Autoscaling;

public class ScaleRecommendationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    // Eight requests per replica, 1 to 5 replicas, scale down after 5 minutes; zero only where a test asks for it.
    private static AutoscalingSettings Settings(int min = 1, int max = 5, TimeSpan? idle = null) =>
        new(min, max, TargetInFlightPerReplica: 8, KvCacheUsageHigh: 0.9, ScaleDownDelay: TimeSpan.FromMinutes(5), ScaleToZeroAfter: idle);

    private static LoadSample Load(int held = 0, int inFlight = 0, double workers = 0, double? kv = null) => new(held, inFlight, workers, kv, Now);

    [Theory]
    [InlineData(1, 1)]   // 1 request: 1 replica
    [InlineData(8, 1)]   // exactly one replica's worth
    [InlineData(9, 2)]   // one more than a replica carries
    [InlineData(17, 3)]
    [InlineData(40, 5)]
    public void For_RequestsInFlight_RecommendsCeilingOfRequestsOverTarget(int inFlight, int expected)
    {
        var recommendation = ScaleRecommendation.For(Settings(), current: 1, Load(inFlight: inFlight), Now, Now);

        recommendation.Replicas.Should().Be(expected);
    }

    [Fact]
    public void For_HeldAndInFlight_CountsBoth()
    {
        var recommendation = ScaleRecommendation.For(Settings(), current: 1, Load(held: 5, inFlight: 12), Now, Now);

        recommendation.Replicas.Should().Be(3, "17 requests at 8 per replica need 3");
        recommendation.Reason.Should().Contain("17 requests (5 held, 12 at the workers) need 3 replicas at 8 per replica");
    }

    [Fact]
    public void For_WorkersReportMoreThanTheRouter_CountsTheWorkersFigure()
    {
        var recommendation = ScaleRecommendation.For(Settings(), current: 1, Load(inFlight: 4, workers: 20), Now, Now);

        recommendation.Replicas.Should().Be(3, "20 running and waiting at the workers need 3 replicas");
    }

    [Theory]
    [InlineData(15)] // 15 / 16 = 0.94: within 10%
    [InlineData(17)] // 17 / 16 = 1.06: within 10%
    public void For_LoadWithinTolerance_KeepsTheCurrentCount(int inFlight)
    {
        var recommendation = ScaleRecommendation.For(Settings(), current: 2, Load(inFlight: inFlight), Now, Now);

        recommendation.Replicas.Should().Be(2);
        recommendation.Reason.Should().Contain("within 10%");
    }

    [Fact]
    public void For_LoadJustOutsideTolerance_Scales()
    {
        // 18 / 16 = 1.125: outside 10%, and ceil(18 / 8) = 3.
        ScaleRecommendation.For(Settings(), current: 2, Load(inFlight: 18), Now, Now).Replicas.Should().Be(3);
    }

    [Fact]
    public void For_KvCacheAboveHigh_AddsOneReplicaEvenWhenRequestsFit()
    {
        var recommendation = ScaleRecommendation.For(Settings(), current: 2, Load(inFlight: 4, kv: 0.95), Now, Now);

        recommendation.Replicas.Should().Be(3);
        recommendation.Reason.Should().Contain("95%").And.Contain("kvCacheUsageHigh 90%");
    }

    [Fact]
    public void For_KvCacheAtHigh_IsNotAbove()
    {
        ScaleRecommendation.For(Settings(), current: 2, Load(inFlight: 16, kv: 0.9), Now, Now).Replicas.Should().Be(2);
    }

    [Fact]
    public void For_MoreThanMax_ClampsToMaxAndSaysSo()
    {
        var recommendation = ScaleRecommendation.For(Settings(max: 3), current: 2, Load(inFlight: 100), Now, Now);

        recommendation.Replicas.Should().Be(3);
        recommendation.Reason.Should().Contain("limited to maxReplicas 3");
    }

    [Fact]
    public void For_LessThanMin_RaisesToMin()
    {
        var recommendation = ScaleRecommendation.For(Settings(min: 2), current: 3, Load(inFlight: 1), Now, Now);

        recommendation.Replicas.Should().Be(2);
        recommendation.Reason.Should().Contain("raised to minReplicas 2");
    }

    [Fact]
    public void For_NoLoadWithMinOne_KeepsOne()
    {
        ScaleRecommendation.For(Settings(), current: 2, Load(), Now.AddHours(-5), Now).Replicas.Should().Be(1);
    }

    [Fact]
    public void For_IdleLongerThanScaleToZeroAfter_RecommendsZero()
    {
        var recommendation = ScaleRecommendation.For(Settings(min: 0, idle: TimeSpan.FromMinutes(15)), current: 2, Load(), Now.AddMinutes(-16), Now);

        recommendation.Replicas.Should().Be(0);
        recommendation.IsIdle.Should().BeTrue();
        recommendation.Reason.Should().Contain("no request for 16m").And.Contain("scaleToZeroAfter 15m");
    }

    [Fact]
    public void For_IdleButNotLongEnough_KeepsOneReplica()
    {
        var recommendation = ScaleRecommendation.For(Settings(min: 0, idle: TimeSpan.FromMinutes(15)), current: 2, Load(), Now.AddMinutes(-14), Now);

        recommendation.Replicas.Should().Be(1);
        recommendation.Reason.Should().Contain("raised to 1 until the idle time passes");
    }

    [Fact]
    public void For_LongIdleButARequestInFlight_DoesNotScaleToZero()
    {
        var settings = Settings(min: 0, idle: TimeSpan.FromMinutes(15));

        ScaleRecommendation.For(settings, current: 1, Load(inFlight: 1), Now.AddHours(-1), Now).Replicas.Should().Be(1);
        ScaleRecommendation.For(settings, current: 1, Load(workers: 1), Now.AddHours(-1), Now).Replicas.Should().Be(1);
    }

    [Fact]
    public void For_LongIdleWithMinOne_NeverRecommendsZero()
    {
        ScaleRecommendation.For(Settings(min: 1, idle: TimeSpan.FromMinutes(1)), current: 1, Load(), Now.AddHours(-1), Now).Replicas.Should().Be(1);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(20, 3)]
    public void For_HeldAtZeroReplicas_WakesAtOnce(int held, int expected)
    {
        var recommendation = ScaleRecommendation.For(Settings(min: 0, idle: TimeSpan.FromMinutes(15)), current: 0, Load(held: held), Now, Now);

        recommendation.Replicas.Should().Be(expected);
        recommendation.Reason.Should().StartWith($"{held} request");
        recommendation.Reason.Should().Contain("held at 0 ready replicas");
    }

    [Fact]
    public void For_NothingAtZeroReplicas_StaysAtZero()
    {
        var recommendation = ScaleRecommendation.For(Settings(min: 0, idle: TimeSpan.FromMinutes(15)), current: 0, Load(), Now, Now);

        recommendation.Replicas.Should().Be(0);
    }

    [Fact]
    public void LoadSample_FromRouterLoad_CountsReadyBackendsOnly()
    {
        var load = LoadSample.From(new Parley.Api.Contracts.RouterLoad
        {
            Held = 2,
            InFlight = 3,
            Backends =
            [
                new() { Address = "10.0.0.1:8000", Ready = true, InFlight = 3, NumRequestsRunning = 3, NumRequestsWaiting = 1, KvCacheUsage = 0.5 },
                new() { Address = "10.0.0.2:8000", Ready = false, InFlight = 0, NumRequestsRunning = 9, NumRequestsWaiting = 9, KvCacheUsage = 0.99 },
            ],
        });

        load.WorkerRequests.Should().Be(4);
        load.HighestKvCacheUsage.Should().Be(0.5);
        load.Requests.Should().Be(6, "2 held plus the larger of 3 in flight and 4 at the workers");
    }

    [Fact]
    public void LoadSample_CountsActivityFromTheLaterOfTheLastArrivalAndTheLastFinish()
    {
        var arrived = Now.AddMinutes(-20);
        var finished = Now.AddMinutes(-1);

        var load = LoadSample.From(new Parley.Api.Contracts.RouterLoad { Held = 0, InFlight = 0, LastRequestAt = arrived, LastFinishedAt = finished });
        var recommendation = ScaleRecommendation.For(Settings(min: 0, idle: TimeSpan.FromMinutes(15)), current: 1, load, load.LastActivityAt!.Value, Now);

        load.LastActivityAt.Should().Be(finished);
        recommendation.Replicas.Should().Be(1, "the answer to a request that arrived 20 minutes ago ended a minute ago: not idle for 15 minutes");
    }

    [Fact]
    public void LoadSample_WithoutKvReports_HasNoKvUsage()
    {
        var load = LoadSample.From(new Parley.Api.Contracts.RouterLoad { Held = 0, InFlight = 0 });

        load.HighestKvCacheUsage.Should().BeNull();
        load.IsIdle.Should().BeTrue();
    }
}
