using Parley.Api;
using Parley.Api.Contracts;
using Parley.Api.Status;
using Parley.Operator.Autoscaling;

namespace Parley.Operator.Tests.Autoscaling;

public class AutoscaleStateTests
{
    private static readonly DateTime Now = new(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);
    private static readonly AutoscalingSettings ZeroToFour = new(0, 4, 8, 0.9, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15));

    private static ChatDeployment Chat(int? desired, DateTime? lastScale = null, string? wake = null)
    {
        var chat = TestChats.Chat();
        if (desired is not null)
        {
            chat.Status = new ChatDeploymentStatus
            {
                Autoscaling = new AutoscalingStatus { DesiredReplicas = desired, LastScaleTime = lastScale ?? Now.AddHours(-1), LastDecision = "before." },
            };
        }

        if (wake is not null)
        {
            chat.Metadata.Annotations = new Dictionary<string, string> { [ScaleFromZero.WakeAnnotation] = wake };
        }

        return chat;
    }

    [Fact]
    public void Next_WithoutState_StartsAtOneEvenWithMinZero()
    {
        var (state, change) = AutoscaleState.Next(Chat(desired: null), ZeroToFour, pending: null, Now);

        state.DesiredReplicas.Should().Be(1, "the model is loaded once before the first idle period");
        state.LastDecision.Should().Be("Started at 1 replica (minReplicas 0, maxReplicas 4).");
        change.Should().BeNull("starting is not a scaling Event");
    }

    [Fact]
    public void Next_WithoutState_StartsAtMinReplicas()
    {
        AutoscaleState.Next(Chat(desired: null), ZeroToFour with { MinReplicas = 3 }, null, Now).State.DesiredReplicas.Should().Be(3);
    }

    [Fact]
    public void Next_NothingNew_KeepsTheStateAsItWas()
    {
        var lastScale = Now.AddMinutes(-7);

        var (state, change) = AutoscaleState.Next(Chat(desired: 2, lastScale), ZeroToFour, null, Now);

        (state.DesiredReplicas, state.LastScaleTime, state.LastDecision).Should().Be((2, lastScale, "before."));
        change.Should().BeNull();
    }

    [Fact]
    public void Next_ThePendingDecision_IsApplied()
    {
        var decision = new ScaleDecision(2, 4, "load.");

        var (state, change) = AutoscaleState.Next(Chat(desired: 2), ZeroToFour, decision, Now);

        state.DesiredReplicas.Should().Be(4);
        state.LastScaleTime.Should().Be(Now);
        state.LastDecision.Should().Be("Scaled from 2 to 4: load.");
        change.Should().Be(decision);
    }

    [Fact]
    public void Next_APendingDecisionMadeAgainstAnotherCount_IsIgnored()
    {
        var (state, change) = AutoscaleState.Next(Chat(desired: 3), ZeroToFour, new ScaleDecision(2, 4, "stale."), Now);

        state.DesiredReplicas.Should().Be(3);
        change.Should().BeNull();
    }

    [Fact]
    public void Next_MaxLoweredBelowTheCount_ClampsAtOnce()
    {
        var (state, change) = AutoscaleState.Next(Chat(desired: 4), ZeroToFour with { MaxReplicas = 2 }, null, Now);

        state.DesiredReplicas.Should().Be(2);
        change!.Because.Should().Be("maxReplicas is now 2.");
    }

    [Fact]
    public void Next_WakeAnnotationNewerThanTheLastScalingAtZero_WakesToOne()
    {
        var (state, change) = AutoscaleState.Next(Chat(desired: 0, Now.AddMinutes(-30), wake: "2026-12-03T11:59:58Z"), ZeroToFour, null, Now);

        state.DesiredReplicas.Should().Be(1);
        change!.Sentence.Should().Be("Scaled from 0 to 1: the router holds a request (wake requested at 2026-12-03T11:59:58Z).");
        ScaleDecision.ReasonFor(change.Current, change.Desired).Should().Be(ScaleDecision.ScaledFromZero);
    }

    [Fact]
    public void Next_WakeAnnotationOlderThanTheLastScaling_IsIgnored()
    {
        var (state, change) = AutoscaleState.Next(Chat(desired: 0, Now.AddMinutes(-1), wake: "2026-12-03T11:50:00Z"), ZeroToFour, null, Now);

        state.DesiredReplicas.Should().Be(0, "that request was served before the workers scaled to zero");
        change.Should().BeNull();
    }

    [Fact]
    public void Next_WakeAnnotationAboveZero_ChangesNothing()
    {
        AutoscaleState.Next(Chat(desired: 2, Now.AddMinutes(-30), wake: "2026-12-03T11:59:58Z"), ZeroToFour, null, Now).Change.Should().BeNull();
    }

    [Fact]
    public void Next_UnreadableWakeAnnotation_IsIgnored()
    {
        AutoscaleState.Next(Chat(desired: 0, wake: "soon"), ZeroToFour, null, Now).State.DesiredReplicas.Should().Be(0);
    }
}
