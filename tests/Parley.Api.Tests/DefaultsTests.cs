using Parley.Api.Spec;

namespace Parley.Api.Tests;

public class DefaultsTests
{
    [Fact]
    public void Apply_MinimalSpec_FillsEveryOptionalField()
    {
        var spec = Defaults.Apply(new ChatDeploymentSpec { Model = new ModelSpec { Source = "hf://Qwen/Qwen3-8B" } });

        spec.Model.ServedName.Should().Be("Qwen/Qwen3-8B");
        spec.Model.Revision.Should().Be("main");
        spec.Model.Dtype.Should().Be(ModelDtype.Auto);
        spec.Worker!.Tuning!.Mode.Should().Be(TuningMode.Auto);
        spec.Worker.Tuning.TargetConcurrency.Should().Be(4);
        spec.Worker.Gpu!.Count!.Value.Should().Be("auto");
        spec.Worker.NetworkPolicy.Should().BeTrue();
        spec.Worker.Replicas.Should().BeNull("an unset replica count leaves the Deployment's replicas to an autoscaler");
        spec.Ui!.Enabled.Should().BeTrue();
        spec.Ui.Persistence!.RetainOnDelete.Should().BeTrue();
        spec.Ui.Persistence.Size.Should().Be("2Gi");
        spec.Ui.Service!.Port.Should().Be(80);
        spec.Monitoring!.ServiceMonitor.Should().Be(ServiceMonitorMode.Auto);
    }

    [Fact]
    public void Apply_MinimalSpec_LeavesTheRouterOff()
    {
        var spec = Defaults.Apply(new ChatDeploymentSpec { Model = new ModelSpec { Source = "hf://Qwen/Qwen3-8B" } });

        spec.Router!.Enabled.Should().BeFalse("one worker needs no router");
        spec.Router.Replicas.Should().Be(1);
        spec.Router.HoldQueueSize.Should().Be(100);
        spec.Router.HoldTimeout.Should().Be("5m");
        spec.Worker!.Autoscaling.Should().BeNull();
    }

    [Theory]
    [InlineData(2, false, true)]
    [InlineData(1, false, false)]
    [InlineData(null, true, true)]
    public void Apply_RouterEnabled_DefaultsOnWithAutoscalingOrSeveralReplicas(int? replicas, bool autoscaled, bool expected)
    {
        var spec = Defaults.Apply(new ChatDeploymentSpec
        {
            Model = new ModelSpec { Source = "hf://Qwen/Qwen3-8B" },
            Worker = new WorkerSpec { Replicas = replicas, Autoscaling = autoscaled ? new AutoscalingSpec { MaxReplicas = 2 } : null },
        });

        spec.Router!.Enabled.Should().Be(expected);
    }

    [Fact]
    public void Apply_Autoscaling_FillsItsDefaults_AndScaleToZeroAfterOnlyWithMinZero()
    {
        AutoscalingSpec Applied(int? min) => Defaults.Apply(new ChatDeploymentSpec
        {
            Model = new ModelSpec { Source = "hf://Qwen/Qwen3-8B" },
            Worker = new WorkerSpec { Autoscaling = new AutoscalingSpec { MinReplicas = min, MaxReplicas = 3 } },
        }).Worker!.Autoscaling!;

        var one = Applied(null);
        (one.MinReplicas, one.KvCacheUsageHigh, one.ScaleDownDelay, one.ScaleToZeroAfter).Should().Be((1, 0.9, "5m", (string?)null));
        one.TargetInFlightPerReplica.Should().BeNull("it defaults to the plan's maxNumSeqs, which only the operator knows");
        Applied(0).ScaleToZeroAfter.Should().Be("15m");
    }

    [Fact]
    public void Apply_KeepsWhatIsSetAndLeavesTheInputUnchanged()
    {
        var input = new ChatDeploymentSpec
        {
            Model = new ModelSpec { Source = "a/b", ServedName = "mine" },
            Worker = new WorkerSpec { Tuning = new TuningSpec { TargetConcurrency = 9 } },
            Ui = new UiSpec { Enabled = false },
        };

        var spec = Defaults.Apply(input);

        spec.Model.ServedName.Should().Be("mine");
        spec.Worker!.Tuning!.TargetConcurrency.Should().Be(9);
        spec.Ui!.Enabled.Should().BeFalse();
        input.Worker.Tuning.Mode.Should().BeNull();
        input.Monitoring.Should().BeNull();
    }

    [Fact]
    public void Apply_VolumeSource_ServesUnderTheFolderName()
    {
        var spec = Defaults.Apply(new ChatDeploymentSpec { Model = new ModelSpec { Source = "pvc://models/llama/Meta-Llama-3-8B-Instruct" } });

        spec.Model.ServedName.Should().Be("Meta-Llama-3-8B-Instruct");
    }

    [Fact]
    public void Apply_Adapters_DefaultRankSixteenAndEveryAdapterResident()
    {
        var spec = Defaults.Apply(new ChatDeploymentSpec
        {
            Model = new ModelSpec { Source = "Qwen/Qwen3-8B", Adapters = [new() { Name = "a", Source = "org/a" }, new() { Name = "b", Source = "org/b" }] },
        });

        spec.Worker!.Tuning!.MaxLoraRank.Should().Be(16, "vLLM's --max-lora-rank default");
        spec.Worker.Tuning.MaxLoras.Should().Be(2);
    }

    [Fact]
    public void Apply_NoAdapters_LeavesTheLoraLimitsUnset()
    {
        var spec = Defaults.Apply(new ChatDeploymentSpec { Model = new ModelSpec { Source = "Qwen/Qwen3-8B" } });

        spec.Worker!.Tuning!.MaxLoraRank.Should().BeNull();
        spec.Worker.Tuning.MaxLoras.Should().BeNull();
    }

    [Fact]
    public void Apply_AdaptersWithLimitsGiven_KeepsThem()
    {
        var spec = Defaults.Apply(new ChatDeploymentSpec
        {
            Model = new ModelSpec { Source = "Qwen/Qwen3-8B", Adapters = [new() { Name = "a", Source = "org/a" }] },
            Worker = new WorkerSpec { Tuning = new TuningSpec { MaxLoras = 4, MaxLoraRank = 64 } },
        });

        spec.Worker!.Tuning!.MaxLoras.Should().Be(4);
        spec.Worker.Tuning.MaxLoraRank.Should().Be(64);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(5, 5)]
    public void DefaultMaxLoras_IsTheAdapterCount_AtLeastOne(int adapters, int expected)
    {
        LoraAdapters.DefaultMaxLoras(adapters).Should().Be(expected);
    }
}
