using k8s;
using Parley.Api;
using Parley.Api.Status;
using Parley.Operator.Metrics;

namespace Parley.Operator.Tests.Metrics;

public class ChatDeploymentGaugesTests
{
    [Fact]
    public async Task Deleted_ChatDeployment_LosesItsSeries()
    {
        var metrics = new OperatorMetrics();
        var gauges = new ChatDeploymentGauges(metrics);
        gauges.Observe(WatchEventType.Added, Tuned("a", Phases.Ready));
        gauges.Observe(WatchEventType.Added, Tuned("b", Phases.Ready));
        (await Exposition(metrics)).Should().Contain("name=\"a\"").And.Contain("name=\"b\"");

        gauges.Observe(WatchEventType.Deleted, Tuned("a", Phases.Ready));

        var text = await Exposition(metrics);
        text.Should().NotContain("name=\"a\"", "a deleted ChatDeployment leaves no series behind");
        text.Should().Contain("parley_tuned_max_model_len{namespace=\"team-a\",name=\"b\"} 4096");
        metrics.ChatDeployments.WithLabels(Phases.Ready).Value.Should().Be(1);
    }

    [Fact]
    public void PhaseCounts_FollowEachChatDeploymentsChanges_AndIgnoreRepeats()
    {
        var metrics = new OperatorMetrics();
        var gauges = new ChatDeploymentGauges(metrics);

        gauges.Observe(WatchEventType.Added, Chat("a", phase: null));
        gauges.Observe(WatchEventType.Added, Chat("b", Phases.Progressing));
        gauges.Observe(WatchEventType.Modified, Chat("a", Phases.Progressing));
        gauges.Observe(WatchEventType.Modified, Chat("b", Phases.Ready));
        gauges.Observe(WatchEventType.Modified, Chat("b", Phases.Ready)); // a resync repeats an unchanged object

        metrics.ChatDeployments.WithLabels(Phases.Pending).Value.Should().Be(0);
        metrics.ChatDeployments.WithLabels(Phases.Progressing).Value.Should().Be(1);
        metrics.ChatDeployments.WithLabels(Phases.Ready).Value.Should().Be(1);
        metrics.ChatDeployments.WithLabels(Phases.Failed).Value.Should().Be(0);
    }

    [Fact]
    public async Task ChatDeployment_ThatLosesItsPlan_LosesItsTunedSeries()
    {
        var metrics = new OperatorMetrics();
        var gauges = new ChatDeploymentGauges(metrics);
        gauges.Observe(WatchEventType.Added, Tuned("a", Phases.Ready));

        gauges.Observe(WatchEventType.Modified, Chat("a", Phases.Failed));

        (await Exposition(metrics)).Should().NotContain("name=\"a\"");
        metrics.ChatDeployments.WithLabels(Phases.Failed).Value.Should().Be(1);
        metrics.ChatDeployments.WithLabels(Phases.Ready).Value.Should().Be(0);
    }

    private static ChatDeployment Chat(string name, string? phase) => new()
    {
        Metadata = new k8s.Models.V1ObjectMeta { Name = name, NamespaceProperty = "team-a" },
        Status = phase is null ? null : new ChatDeploymentStatus { Phase = phase },
    };

    private static ChatDeployment Tuned(string name, string phase)
    {
        var chat = Chat(name, phase);
        chat.Status!.Tuning = new TuningStatus { MaxModelLen = 4096, GpuMemoryUtilization = 0.9 };
        return chat;
    }

    private static async Task<string> Exposition(OperatorMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
