using k8s.Models;
using Parley.Api;
using Parley.Api.Status;
using Parley.Operator.Reconciliation;
using Parley.Operator.Status;

namespace Parley.Operator.Tests.Status;

public class StatusComputerTests
{
    private static readonly DateTime Now = new(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Planned_WorkerNotYetAvailable_IsProgressingWithTheTuning()
    {
        var context = TestChats.Context(TestChats.Chat());

        var status = StatusComputer.Planned(context, new Observed(Deployment(available: 0), Deployment(available: 1)), 0, null, Now);

        status.Phase.Should().Be(Phases.Progressing);
        Condition(status, ConditionTypes.Ready).Reason.Should().Be(ConditionReasons.WaitingForWorker);
        Condition(status, ConditionTypes.TuningApplied).Status.Should().Be("True");
        status.Tuning!.MaxModelLen.Should().Be(58_064);
        status.Tuning.GpuProduct.Should().Be("NVIDIA-GeForce-RTX-3060");
        status.Endpoints!.Api.Should().Be("http://chat-worker.team-a.svc:8000/v1");
    }

    [Fact]
    public void Planned_BothDeploymentsAvailable_IsReady()
    {
        var context = TestChats.Context(TestChats.Chat());

        var status = StatusComputer.Planned(context, new Observed(Deployment(available: 1), Deployment(available: 1)), 0, null, Now);

        status.Phase.Should().Be(Phases.Ready);
        Condition(status, ConditionTypes.Ready).Status.Should().Be("True");
        Condition(status, ConditionTypes.Progressing).Status.Should().Be("False");
        status.ReadyReplicas.Should().Be(1);
    }

    [Fact]
    public void Planned_DeploymentNotCaughtUpWithItsGeneration_IsNotReady()
    {
        var worker = Deployment(available: 1);
        worker.Metadata.Generation = 3;
        worker.Status.ObservedGeneration = 2;

        Observed.IsAvailable(worker).Should().BeFalse();
    }

    [Fact]
    public void Blocked_SaysWhyOnReadyAndDegraded()
    {
        var status = StatusComputer.Blocked(TestChats.Chat(), ConditionReasons.InsufficientGpuMemory, "needs 15.0 GiB", Now);

        status.Phase.Should().Be(Phases.Failed);
        Condition(status, ConditionTypes.Ready).Message.Should().Be("needs 15.0 GiB");
        Condition(status, ConditionTypes.Degraded).Status.Should().Be("True");
    }

    [Fact]
    public void ConditionSet_KeepsTheTransitionTimeWhileTheStatusHolds()
    {
        var before = new ConditionSet(null, 1, Now).Set("Ready", false, "A", "a").Conditions;

        var same = new ConditionSet(before, 2, Now.AddHours(1)).Set("Ready", false, "B", "b").Conditions.Single();
        var flipped = new ConditionSet(before, 2, Now.AddHours(1)).Set("Ready", true, "C", "c").Conditions.Single();

        same.LastTransitionTime.Should().Be(Now);
        flipped.LastTransitionTime.Should().Be(Now.AddHours(1));
        same.ObservedGeneration.Should().Be(2);
    }

    [Fact]
    public void Decisions_FirstPlanThenUnchangedThenStepDown()
    {
        var context = TestChats.Context(TestChats.Chat());
        var first = StatusComputer.Planned(context, new Observed(null, null), 0, null, Now);
        var again = StatusComputer.Planned(context, new Observed(null, null), 0, null, Now);
        var stepped = StatusComputer.Planned(context, new Observed(null, null), 1, null, Now);

        Decisions.Between(null, first).Should().ContainSingle(e => e.Reason == ConditionReasons.Planned && !e.IsWarning);
        Decisions.Between(first, again).Should().BeEmpty();
        Decisions.Between(first, stepped).Should().ContainSingle(e => e.Reason == ConditionReasons.SteppedDown && e.IsWarning);
    }

    [Fact]
    public void Decisions_RefusalIsAWarningOnce()
    {
        var refused = StatusComputer.Blocked(TestChats.Chat(), ConditionReasons.InsufficientGpuMemory, "too big", Now);

        Decisions.Between(null, refused).Should().ContainSingle(e => e.IsWarning && e.Reason == ConditionReasons.InsufficientGpuMemory);
        Decisions.Between(refused, refused).Should().BeEmpty();
    }

    private static V1Condition Condition(ChatDeploymentStatus status, string type) => status.Conditions!.Single(c => c.Type == type);

    private static V1Deployment Deployment(int available) => new()
    {
        Metadata = new V1ObjectMeta { Generation = 1 },
        Spec = new V1DeploymentSpec { Replicas = 1 },
        Status = new V1DeploymentStatus { ObservedGeneration = 1, Replicas = 1, UpdatedReplicas = 1, AvailableReplicas = available, ReadyReplicas = available },
    };
}
