using k8s.Models;
using Parley.Api.Spec;

namespace Parley.Api.Tests;

/// <summary>Validation of spec.router and spec.worker.autoscaling (Validation.ValidateRouting).</summary>
public class ValidationRoutingTests
{
    private static ChatDeployment Chat(AutoscalingSpec? autoscaling = null, RouterSpec? router = null, int? replicas = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "chat", NamespaceProperty = "default" },
        Spec = new ChatDeploymentSpec
        {
            Model = new ModelSpec { Source = "Qwen/Qwen3-8B" },
            Worker = new WorkerSpec { Autoscaling = autoscaling, Replicas = replicas },
            Router = router,
        },
    };

    [Fact]
    public void Validate_AutoscalingWithMaxOnly_HasNoErrors()
    {
        Validation.Validate(Chat(new AutoscalingSpec { MaxReplicas = 3 })).Should().BeEmpty();
    }

    [Fact]
    public void Validate_ScaleToZero_HasNoErrors()
    {
        Validation.Validate(Chat(new AutoscalingSpec { MinReplicas = 0, MaxReplicas = 2, ScaleToZeroAfter = "10m", ScaleDownDelay = "2m" })).Should().BeEmpty();
    }

    [Fact]
    public void Validate_MinAboveMax_SaysWhichToChange()
    {
        Validation.Validate(Chat(new AutoscalingSpec { MinReplicas = 4, MaxReplicas = 2 })).Should().ContainSingle().Which.ToString()
            .Should().Be("spec.worker.autoscaling.minReplicas: 4 is more than maxReplicas 2: lower minReplicas or raise maxReplicas.");
    }

    [Fact]
    public void Validate_MaxMissing_IsRequired()
    {
        Validation.Validate(Chat(new AutoscalingSpec { MinReplicas = 1 })).Should().ContainSingle()
            .Which.Should().Be(new ValidationError("spec.worker.autoscaling.maxReplicas", "is required."));
    }

    [Fact]
    public void Validate_MaxZero_IsOutOfRange()
    {
        Validation.Validate(Chat(new AutoscalingSpec { MinReplicas = 0, MaxReplicas = 0 })).Should()
            .Contain(error => error.Path == "spec.worker.autoscaling.maxReplicas" && error.Message.Contains("use 1 to 1000"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    public void Validate_ScaleToZeroAfterWithoutMinZero_SaysToSetMinZero(int? min)
    {
        Validation.Validate(Chat(new AutoscalingSpec { MinReplicas = min, MaxReplicas = 2, ScaleToZeroAfter = "10m" })).Should().ContainSingle()
            .Which.ToString().Should().Be("spec.worker.autoscaling.scaleToZeroAfter: applies only with minReplicas 0: set minReplicas to 0 " +
                "to let the workers scale to zero, or remove scaleToZeroAfter.");
    }

    [Fact]
    public void Validate_AutoscalingWithTheRouterOff_IsRefused()
    {
        Validation.Validate(Chat(new AutoscalingSpec { MaxReplicas = 2 }, new RouterSpec { Enabled = false })).Should().ContainSingle()
            .Which.Should().Match<ValidationError>(e => e.Path == "spec.router.enabled" && e.Message.Contains("needs the router"));
    }

    [Fact]
    public void Validate_ReplicasWithAutoscaling_IsRefused()
    {
        Validation.Validate(Chat(new AutoscalingSpec { MaxReplicas = 2 }, replicas: 2)).Should().ContainSingle()
            .Which.Should().Match<ValidationError>(e => e.Path == "spec.worker.replicas" && e.Message.Contains("remove replicas, or remove autoscaling"));
    }

    [Theory]
    [InlineData("spec.router.holdTimeout")]
    [InlineData("spec.router.streamIdleTimeout")]
    [InlineData("spec.worker.autoscaling.scaleDownDelay")]
    public void Validate_ADurationWithoutUnit_SaysHowToWriteOne(string path)
    {
        var autoscaling = new AutoscalingSpec { MaxReplicas = 2, ScaleDownDelay = path.EndsWith("scaleDownDelay", StringComparison.Ordinal) ? "300" : null };
        var router = new RouterSpec
        {
            HoldTimeout = path.EndsWith("holdTimeout", StringComparison.Ordinal) ? "300" : null,
            StreamIdleTimeout = path.EndsWith("streamIdleTimeout", StringComparison.Ordinal) ? "300" : null,
        };

        Validation.Validate(Chat(autoscaling, router)).Should().ContainSingle()
            .Which.ToString().Should().Be($"{path}: \"300\" is not a duration: write it like 30s, 5m or 1h30m.");
    }

    [Fact]
    public void Validate_KvCacheUsageHighAboveOne_IsOutOfRange()
    {
        Validation.Validate(Chat(new AutoscalingSpec { MaxReplicas = 2, KvCacheUsageHigh = 1.5 })).Should()
            .ContainSingle(error => error.Path == "spec.worker.autoscaling.kvCacheUsageHigh");
    }

    [Fact]
    public void Validate_RouterWithoutAutoscaling_HasNoErrors()
    {
        Validation.Validate(Chat(router: new RouterSpec { Enabled = true, Replicas = 2, HoldTimeout = "1m", StreamIdleTimeout = "2m" })).Should().BeEmpty();
    }
}
