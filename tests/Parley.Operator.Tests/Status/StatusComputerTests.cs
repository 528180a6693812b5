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
    public void Compute_WorkerNotYetAvailable_IsProgressingWithTheTuning()
    {
        var context = TestChats.Context(TestChats.Chat());

        var status = Compute(context, new Observed(Deployment(available: 0), Deployment(available: 1)));

        status.Phase.Should().Be(Phases.Progressing);
        Condition(status, ConditionTypes.Ready).Reason.Should().Be(ConditionReasons.WaitingForWorker);
        Condition(status, ConditionTypes.TuningApplied).Status.Should().Be("True");
        status.Tuning!.MaxModelLen.Should().Be(58_064);
        status.Tuning.GpuProduct.Should().Be("NVIDIA-GeForce-RTX-3060");
        status.Endpoints!.Api.Should().Be("http://chat-worker.team-a.svc:8000/v1");
    }

    [Fact]
    public void Compute_BothDeploymentsAvailable_IsReady()
    {
        var context = TestChats.Context(TestChats.Chat());

        var status = Compute(context, new Observed(Deployment(available: 1), Deployment(available: 1)));

        status.Phase.Should().Be(Phases.Ready);
        Condition(status, ConditionTypes.Ready).Status.Should().Be("True");
        Condition(status, ConditionTypes.Progressing).Status.Should().Be("False");
        status.ReadyReplicas.Should().Be(1);
    }

    [Fact]
    public void Compute_DeploymentNotCaughtUpWithItsGeneration_IsNotReady()
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
        var first = Compute(context, new Observed(null, null));
        var again = Compute(context, new Observed(null, null));
        var stepped = Compute(context, new Observed(null, null), new StepDownState(1, Now, null));

        Decisions.Between(null, first).Should().ContainSingle(e => e.Reason == ConditionReasons.Planned && !e.IsWarning);
        Decisions.Between(first, again).Should().BeEmpty();
        Decisions.Between(first, stepped).Should().ContainSingle(e => e.Reason == ConditionReasons.SteppedDown && e.IsWarning);
    }

    [Fact]
    public void Decisions_ChangedAdapterSlots_AreAReplanNamingThem()
    {
        var chat = TestChats.Chat();
        chat.Spec.Model.Adapters = [new() { Name = "sql", Source = "org/r1-sql" }];
        var before = Compute(TestChats.Context(chat), new Observed(null, null));
        chat.Spec.Worker = new Parley.Api.Spec.WorkerSpec { Tuning = new Parley.Api.Spec.TuningSpec { MaxLoraRank = 64 } };
        var after = Compute(TestChats.Context(chat), new Observed(null, null));

        Decisions.Between(before, after).Should().ContainSingle(e => e.Reason == ConditionReasons.Replanned
            && e.Message.Contains("maxLoras 1 at maxLoraRank 64", StringComparison.Ordinal));
    }

    [Fact]
    public void Decisions_RefusalIsAWarningOnce()
    {
        var refused = StatusComputer.Blocked(TestChats.Chat(), ConditionReasons.InsufficientGpuMemory, "too big", Now);

        Decisions.Between(null, refused).Should().ContainSingle(e => e.IsWarning && e.Reason == ConditionReasons.InsufficientGpuMemory);
        Decisions.Between(refused, refused).Should().BeEmpty();
    }

    [Fact]
    public void Compute_AfterAStepDown_ReportsItAndTheOutOfMemoryThatCausedIt()
    {
        var context = TestChats.Context(TestChats.Chat());
        var oom = Now.AddMinutes(-3);

        var status = Compute(context, new Observed(null, null), new StepDownState(2, oom, null));

        status.Tuning!.StepDowns.Should().Be(2);
        status.Tuning.LastOutOfMemoryAt.Should().Be(oom);
        Condition(status, ConditionTypes.TuningApplied).Reason.Should().Be(ConditionReasons.SteppedDown);
        status.Phase.Should().Be(Phases.Progressing);
    }

    [Fact]
    public void Compute_DegradedStepDownState_IsDegradedWithItsMessageEvenWhenServing()
    {
        var context = TestChats.Context(TestChats.Chat());

        var status = Compute(context, new Observed(Deployment(available: 1), Deployment(available: 1)), new StepDownState(3, Now, "lower maxModelLen"));

        status.Phase.Should().Be(Phases.Degraded);
        Condition(status, ConditionTypes.Degraded).Should().Match<V1Condition>(c => c.Status == "True" && c.Message == "lower maxModelLen"
            && c.Reason == ConditionReasons.OutOfMemoryRepeatedly);
    }

    [Fact]
    public void Compute_WithAReport_RecordsTheMeasurement_WithoutOne_KeepsThePrevious()
    {
        var chat = TestChats.Chat();
        var context = TestChats.Context(chat);
        var report = new Parley.Api.Contracts.WorkerInfo { Model = "m", MaxModelLen = 4096, KvCacheTokens = 123_456 };

        var measured = Compute(context, new Observed(null, null), report: report);
        chat.Status = measured;
        var later = StatusComputer.Compute(new StatusInputs(context, new Observed(null, null), StepDownState.None, null, Now.AddHours(1)));

        measured.Measured!.KvCacheTokens.Should().Be(123_456);
        measured.Measured.ObservedAt.Should().Be(Now);
        later.Measured.Should().BeSameAs(measured.Measured, "a worker that did not answer this time measured nothing new");
    }

    [Fact]
    public void Compute_RecordsWhetherTheTemplateShowsTools_AndAChangeIsANewObservation()
    {
        var chat = TestChats.Chat();
        var context = TestChats.Context(chat);
        var report = new Parley.Api.Contracts.WorkerInfo { Model = "m", MaxModelLen = 4096, KvCacheTokens = 1024, TemplateRendersTools = true };

        chat.Status = Compute(context, new Observed(null, null), report: report);
        var changed = StatusComputer.Compute(new StatusInputs(context, new Observed(null, null), StepDownState.None, report with { TemplateRendersTools = false }, Now.AddHours(1)));

        chat.Status.Measured!.TemplateRendersTools.Should().BeTrue();
        (changed.Measured!.TemplateRendersTools, changed.Measured.ObservedAt).Should().Be((false, Now.AddHours(1)));
    }

    [Fact]
    public void Compute_AutoscaledToZero_IsReadyWithReasonScaledToZero()
    {
        var context = TestChats.Context(TestChats.Chat());
        var inputs = new StatusInputs(context, new Observed(Deployment(available: 0), Deployment(available: 1)), StepDownState.None, null, Now)
        {
            Autoscaling = new AutoscalingStatus { DesiredReplicas = 0, LastDecision = "Scaled from 1 to 0: idle." },
        };

        var status = StatusComputer.Compute(inputs);

        status.Phase.Should().Be(Phases.Ready);
        Condition(status, ConditionTypes.Ready).Reason.Should().Be(ConditionReasons.ScaledToZero);
        status.Autoscaling!.LastDecision.Should().Be("Scaled from 1 to 0: idle.");
        status.Autoscaling.CurrentReplicas.Should().Be(1, "current replicas come from the Deployment's status");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void Compute_WithRoutingOn_IsReadyOnlyOnceTheRouterIsAvailable(int desiredWorkers)
    {
        var context = TestChats.Context(TestChats.Sample("deepseek-r1-qwen-1.5b-autoscaled.yaml"));
        StatusInputs Inputs(int routerAvailable) =>
            new(context, new Observed(Deployment(available: desiredWorkers), Deployment(available: 1), Deployment(available: routerAvailable)), StepDownState.None, null, Now)
            {
                Autoscaling = new AutoscalingStatus { DesiredReplicas = desiredWorkers },
            };

        var waiting = StatusComputer.Compute(Inputs(routerAvailable: 0));
        var serving = StatusComputer.Compute(Inputs(routerAvailable: 1));

        waiting.Phase.Should().Be(Phases.Progressing);
        Condition(waiting, ConditionTypes.Ready).Reason.Should().Be(ConditionReasons.WaitingForRouter);
        Condition(waiting, ConditionTypes.Ready).Message.Should().Contain("-router").And.Contain("API Service");
        serving.Phase.Should().Be(Phases.Ready);
        Condition(serving, ConditionTypes.Ready).Reason.Should().Be(desiredWorkers == 0 ? ConditionReasons.ScaledToZero : ConditionReasons.Serving);
    }

    [Fact]
    public void Compute_TheSameInputsTwice_GivesTheSameStatus()
    {
        var context = TestChats.Context(TestChats.Chat());
        var inputs = new StatusInputs(context, new Observed(Deployment(available: 1), null), new StepDownState(1, Now, null), null, Now);

        var first = Parley.Api.Serialization.Manifests.ToJson(StatusComputer.Compute(inputs));
        var second = Parley.Api.Serialization.Manifests.ToJson(StatusComputer.Compute(inputs));

        System.Text.Json.Nodes.JsonNode.DeepEquals(first, second).Should().BeTrue();
    }

    [Fact]
    public void Compute_WithAdapters_ListsThemAndTheirSlotsAndNamesThemWhenReady()
    {
        var chat = TestChats.Chat();
        chat.Spec.Model.Adapters = [new() { Name = "sql", Source = "org/r1-sql" }, new() { Name = "de", Source = "pvc://lora/de" }];
        var context = TestChats.Context(chat);

        var status = Compute(context, new Observed(Deployment(available: 1), Deployment(available: 1)));

        status.Adapters!.Select(adapter => (adapter.Name, adapter.Source, adapter.Path)).Should().Equal(
            ("sql", "org/r1-sql", "org/r1-sql"), ("de", "pvc://lora/de", "/mnt/adapters/lora/de"));
        status.Tuning!.MaxLoras.Should().Be(2);
        status.Tuning.MaxLoraRank.Should().Be(16);
        status.Tuning.AdapterBytes.Should().Be(73_859_072, "two rank-16 slots of R1-Distill-Qwen-1.5B (AdapterMemoryTests)");
        Condition(status, ConditionTypes.Ready).Message.Should().StartWith("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B with LoRA adapters sql, de serves on");
    }

    [Fact]
    public void Compute_WithoutAdapters_HasNoAdapterFields()
    {
        var status = Compute(TestChats.Context(TestChats.Chat()), new Observed(Deployment(available: 1), Deployment(available: 1)));

        status.Adapters.Should().BeNull();
        status.Tuning!.MaxLoras.Should().BeNull();
        status.Tuning.AdapterBytes.Should().BeNull();
    }

    private static ChatDeploymentStatus Compute(Parley.Operator.Resources.BuildContext context, Observed observed, StepDownState? stepDown = null,
        Parley.Api.Contracts.WorkerInfo? report = null) =>
        StatusComputer.Compute(new StatusInputs(context, observed, stepDown ?? StepDownState.None, report, Now));

    private static V1Condition Condition(ChatDeploymentStatus status, string type) => status.Conditions!.Single(c => c.Type == type);

    private static V1Deployment Deployment(int available) => new()
    {
        Metadata = new V1ObjectMeta { Generation = 1 },
        Spec = new V1DeploymentSpec { Replicas = 1 },
        Status = new V1DeploymentStatus { ObservedGeneration = 1, Replicas = 1, UpdatedReplicas = 1, AvailableReplicas = available, ReadyReplicas = available },
    };
}
