using Parley.Api.Spec;
using Parley.Operator.Resources;

namespace Parley.Operator.Tests.Resources;

public class NetworkAndMonitoringTests
{
    [Fact]
    public void NetworkPolicy_AdmitsOnlyTheUiPrometheusAndTheOperator()
    {
        var policy = WorkerNetworkPolicy.Build(TestChats.Context(TestChats.Chat()))!;

        policy.Spec.PodSelector.MatchLabels.Should().Contain(Labels.Component, "worker");
        var peers = policy.Spec.Ingress.Single().FromProperty;
        peers.Should().HaveCount(3);
        peers[0].PodSelector.MatchLabels.Should().Contain(Labels.Component, "ui").And.Contain(Labels.Instance, "chat");
        peers[1].PodSelector.MatchLabels.Should().Contain(Labels.Name, "prometheus");
        peers[2].PodSelector.MatchLabels.Should().Contain(Labels.Name, "parley-operator");
        policy.Spec.Ingress.Single().Ports.Single().Port.Value.Should().Be("http");
    }

    [Fact]
    public void NetworkPolicy_CanBeTurnedOff()
    {
        var chat = TestChats.Chat();
        chat.Spec.Worker = new WorkerSpec { NetworkPolicy = false };

        WorkerNetworkPolicy.Build(TestChats.Context(chat)).Should().BeNull();
    }

    [Theory]
    [InlineData(ServiceMonitorMode.Auto, false, false)]
    [InlineData(ServiceMonitorMode.Auto, true, true)]
    [InlineData(ServiceMonitorMode.Enabled, false, true)]
    [InlineData(ServiceMonitorMode.Disabled, true, false)]
    public void ServiceMonitor_FollowsTheSpecAndTheCluster(ServiceMonitorMode mode, bool crdInstalled, bool expected)
    {
        var chat = TestChats.Chat();
        chat.Spec.Monitoring = new MonitoringSpec { ServiceMonitor = mode };
        var defaults = OperatorDefaults.Standard with { ServiceMonitorAvailable = crdInstalled };

        var monitor = ServiceMonitors.Worker(TestChats.Context(chat, defaults: defaults));

        (monitor is not null).Should().Be(expected);
        if (monitor is not null)
        {
            monitor.Spec.Endpoints.Single().Path.Should().Be("/metrics");
            monitor.Spec.Selector.MatchLabels.Should().Equal(WorkerService.Build(TestChats.Context(chat)).Spec.Selector);
        }
    }

    [Fact]
    public void ChatTemplate_InlineIsStoredInOurConfigMap()
    {
        var chat = TestChats.Chat();
        chat.Spec.Model.ChatTemplate = new ChatTemplateSpec { Inline = "{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}" };

        var configMap = ChatTemplateConfigMap.Build(TestChats.Context(chat))!;

        configMap.Metadata.Name.Should().Be("chat-chat-template");
        configMap.Data.Should().ContainKey("chat_template.jinja");
    }
}
