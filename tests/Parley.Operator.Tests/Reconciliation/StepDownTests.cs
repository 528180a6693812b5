using k8s.Models;
using Parley.Api.Spec;
using Parley.Operator.Reconciliation;

namespace Parley.Operator.Tests.Reconciliation;

public class StepDownTests
{
    [Theory]
    [InlineData("CUDA out of memory. Tried to allocate 2.00 GiB", true)]
    [InlineData("GPU out of memory while loading weights", true)]
    [InlineData("OOMKilled", false)]
    [InlineData("out of memory", false)]
    [InlineData(null, false)]
    public void IsGpuOutOfMemory_RecognisesTheWorkersWording(string? message, bool expected)
    {
        StepDown.IsGpuOutOfMemory(message).Should().Be(expected);
    }

    [Fact]
    public void LatestOutOfMemory_CountsOnlyTerminationsAfterTheLastOneActedOn()
    {
        var early = new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);
        var late = early.AddMinutes(5);
        V1Pod[] pods = [Pod("CUDA out of memory", early), Pod("CUDA out of memory", late), Pod("exit 1", late.AddMinutes(1))];

        StepDown.LatestOutOfMemory(pods, since: null).Should().Be(late);
        StepDown.LatestOutOfMemory(pods, since: late).Should().BeNull();
    }

    [Theory]
    [InlineData(1, 0.85, 58_064)]
    [InlineData(2, 0.81, 58_064)]
    [InlineData(3, 0.81, 29_024)]
    public void Lower_TakesUtilizationFirstThenContext(int steps, double utilization, int maxModelLen)
    {
        var plan = TestChats.Context(TestChats.Chat()).Plan;

        var lowered = StepDown.Lower(new TuningSpec(), plan, steps);

        lowered.Mode.Should().Be(TuningMode.Manual);
        lowered.GpuMemoryUtilization.Should().Be(utilization);
        lowered.MaxModelLen.Should().Be(maxModelLen);
    }

    [Fact]
    public void Replan_WithAdapters_KeepsTheirSlotsAndStillReservesThem()
    {
        var chat = TestChats.Chat();
        chat.Spec.Model.Adapters = [new() { Name = "sql", Source = "org/r1-sql" }];
        chat.Spec.Worker = new WorkerSpec { Tuning = new TuningSpec { MaxLoras = 2, MaxLoraRank = 32 } };
        var context = TestChats.Context(chat);
        var inventory = Parley.Tuning.GpuInventory.Of(Parley.Tuning.Catalog.GpuCatalog.Find("rtx-3060-12gb")!);

        var (plan, _) = StepDown.Replan(context.Spec, inventory, context.Plan, new StepDownState(1, null, null));

        plan.GpuMemoryUtilization.Should().BeLessThan(context.Plan.GpuMemoryUtilization, "the step-down was taken");
        plan.Lora.Should().Be(context.Plan.Lora);
        plan.AdapterBytes.Should().Be(context.Plan.AdapterBytes).And.BePositive();
    }

    private static V1Pod Pod(string message, DateTime finished) => new()
    {
        Status = new V1PodStatus
        {
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = "worker",
                    LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { Message = message, FinishedAt = finished, ExitCode = 1 } },
                },
            ],
        },
    };

    [Fact]
    public void Replan_ASharedWorkerOutOfMemory_IsDegradedInsteadOfReplannedForAWholeGpu()
    {
        var spec = Parley.Api.Defaults.Apply(new ChatDeploymentSpec { Model = new ModelSpec { Source = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B" } });
        var gpu = Parley.Tuning.Sharing.PhysicalGpu.Of(Parley.Tuning.Catalog.GpuCatalog.Find("l4")!, Parley.Tuning.Sharing.GpuSharingMode.TimeSlicing, 2);
        var shared = Parley.Tuning.Sharing.SharedPlanner.Plan([new Parley.Tuning.Sharing.SharedRequest("team-a/r1", spec)], [gpu]).For("team-a/r1")!.Plan;

        var (plan, state) = StepDown.Replan(spec, Parley.Tuning.GpuInventory.Of(Parley.Tuning.Catalog.GpuCatalog.Find("l4")!), shared, new StepDownState(1, null, null));

        plan.Should().BeSameAs(shared);
        state.DegradedMessage.Should().StartWith($"The worker ran out of GPU memory inside its share of {shared.Share!.ShareBytes:N0} bytes on node-0/gpu-0");
    }
}
