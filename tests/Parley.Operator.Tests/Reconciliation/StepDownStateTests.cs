using k8s.Models;
using Parley.Api;
using Parley.Api.Status;
using Parley.Operator.Reconciliation;

namespace Parley.Operator.Tests.Reconciliation;

public class StepDownStateTests
{
    private static readonly DateTime Earlier = new(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void From_ANewOutOfMemory_IsOneMoreStepDown()
    {
        var state = StepDownState.From(Previous(steps: 1, lastOom: Earlier), [OomPod(Earlier.AddMinutes(5))]);

        state.Should().Be(new StepDownState(2, Earlier.AddMinutes(5), null));
    }

    [Fact]
    public void From_TheSameOutOfMemoryAgain_ChangesNothing()
    {
        var state = StepDownState.From(Previous(steps: 1, lastOom: Earlier), [OomPod(Earlier)]);

        state.Should().Be(new StepDownState(1, Earlier, null));
    }

    [Fact]
    public void From_AnOutOfMemoryPastTheLimit_IsDegradedWithoutAnotherStep()
    {
        var state = StepDownState.From(Previous(steps: StepDown.MaxStepDowns, lastOom: Earlier), [OomPod(Earlier.AddMinutes(5))]);

        state.StepDowns.Should().Be(StepDown.MaxStepDowns);
        state.DegradedMessage.Should().Contain("after 3 step-downs");
    }

    [Fact]
    public void From_NoStatusAndNoPods_IsNone()
    {
        StepDownState.From(null, []).Should().Be(StepDownState.None);
    }

    [Fact]
    public void Replan_NoStepDowns_KeepsTheBasePlan_OneStep_LowersUtilization()
    {
        var context = TestChats.Context(TestChats.Chat());
        var inventory = Parley.Tuning.GpuInventory.Of(Parley.Tuning.Catalog.GpuCatalog.Find("rtx-3060-12gb")!);

        var (same, _) = StepDown.Replan(context.Spec, inventory, context.Plan, StepDownState.None);
        var (lower, state) = StepDown.Replan(context.Spec, inventory, context.Plan, new StepDownState(1, Earlier, null));

        same.Should().BeSameAs(context.Plan);
        lower.GpuMemoryUtilization.Should().Be(0.85);
        state.DegradedMessage.Should().BeNull();
        context.Spec.Worker!.Tuning!.GpuMemoryUtilization.Should().NotBe(0.85, "the caller's spec is not changed");
    }

    private static ChatDeploymentStatus Previous(int steps, DateTime lastOom) =>
        new() { Phase = Phases.Progressing, Tuning = new TuningStatus { StepDowns = steps, LastOutOfMemoryAt = lastOom } };

    private static V1Pod OomPod(DateTime finished) => new()
    {
        Status = new V1PodStatus
        {
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = "worker",
                    LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { Message = "CUDA out of memory", FinishedAt = finished, ExitCode = 1 } },
                },
            ],
        },
    };
}
