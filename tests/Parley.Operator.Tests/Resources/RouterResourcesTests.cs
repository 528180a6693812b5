using k8s.Models;
using Parley.Api;
using Parley.Api.Contracts;
using Parley.Api.Spec;
using Parley.Operator.Resources;

namespace Parley.Operator.Tests.Resources;

/// <summary>The router's Deployment, API Service, RBAC, and what routing changes in the worker's and the UI's objects.</summary>
public class RouterResourcesTests
{
    private static BuildContext Routed(RouterSpec? router = null, AutoscalingSpec? autoscaling = null)
    {
        var chat = TestChats.Chat();
        chat.Spec.Router = router ?? new RouterSpec { Enabled = true };
        chat.Spec.Worker = new WorkerSpec { Autoscaling = autoscaling };
        return TestChats.Context(chat, defaults: OperatorDefaults.Standard with { RouterImage = "registry.example/router:1" });
    }

    [Fact]
    public void RouterArgs_NameTheChatItsWorkerServiceAndTheHoldSettingsInSeconds()
    {
        var args = RouterArgs.Build(Routed(new RouterSpec { Enabled = true, HoldQueueSize = 7, HoldTimeout = "2m", StreamIdleTimeout = "1.5s" }));

        args.Should().Equal(
            RouterFlags.Port, "8000", RouterFlags.Namespace, "team-a", RouterFlags.ChatDeployment, "chat", RouterFlags.WorkerService, "chat-worker",
            RouterFlags.HoldQueueSize, "7", RouterFlags.HoldTimeout, "120", RouterFlags.StreamIdleTimeout, "2");
    }

    [Fact]
    public void RouterArgs_Defaults_HoldAHundredForFiveMinutesAndNeverCutStreams()
    {
        var args = RouterArgs.Build(Routed());

        args.Should().ContainInConsecutiveOrder(RouterFlags.HoldQueueSize, "100").And.ContainInConsecutiveOrder(RouterFlags.HoldTimeout, "300");
        args.Should().NotContain(RouterFlags.StreamIdleTimeout);
    }

    [Fact]
    public void RouterDeployment_RunsAsItsServiceAccount_WithTheWorkersKeyAndHealthProbes()
    {
        var deployment = RouterDeployment.Build(Routed())!;
        var pod = deployment.Spec.Template.Spec;
        var container = pod.Containers.Single();

        deployment.Metadata.Name.Should().Be("chat-router");
        deployment.Spec.Replicas.Should().Be(1);
        deployment.Spec.Selector.MatchLabels.Should().Contain(Labels.Component, Labels.RouterComponent).And.Contain(Labels.Name, Labels.RouterAppName);
        pod.ServiceAccountName.Should().Be("chat-router");
        container.Image.Should().Be("registry.example/router:1", "the operator's configured router image is the default");
        container.Env.Single().Should().BeEquivalentTo(new V1EnvVar
        {
            Name = OperatorEnvironment.ApiKey,
            ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "chat-credentials", Key = Credentials.ApiKeyKey } },
        });
        container.ReadinessProbe.HttpGet.Path.Should().Be("/health");
        container.LivenessProbe.HttpGet.Path.Should().Be("/health");
        container.Ports.Single().ContainerPort.Should().Be(RouterFlags.DefaultPort);
    }

    [Fact]
    public void RouterDeployment_SpecImageAndReplicas_Win()
    {
        var deployment = RouterDeployment.Build(Routed(new RouterSpec { Enabled = true, Image = "mine:2", Replicas = 3 }))!;

        deployment.Spec.Replicas.Should().Be(3);
        deployment.Spec.Template.Spec.Containers[0].Image.Should().Be("mine:2");
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void RouterServiceMonitor_ScrapesTheApiService_WhileRoutingIsOn(bool routing, bool expected)
    {
        var chat = TestChats.Chat();
        chat.Spec.Router = new RouterSpec { Enabled = routing };
        chat.Spec.Monitoring = new MonitoringSpec { ServiceMonitor = ServiceMonitorMode.Enabled };
        var context = TestChats.Context(chat);

        var monitor = ServiceMonitors.Router(context);

        (monitor is not null).Should().Be(expected);
        if (monitor is not null)
        {
            monitor.Metadata.Name.Should().Be("chat-router");
            monitor.Spec.Selector.MatchLabels.Should().Equal(ApiService.Build(context)!.Spec.Selector, "the router's series carry the API Service's name");
            monitor.Spec.Endpoints.Single().Port.Should().Be(ApiService.Build(context)!.Spec.Ports.Single().Name);
        }
    }

    [Fact]
    public void ApiService_IsNamedLikeTheChat_AndSelectsTheRouter()
    {
        var service = ApiService.Build(Routed())!;

        service.Metadata.Name.Should().Be("chat");
        service.Spec.Selector.Should().Equal(Labels.Selector(TestChats.Chat(), Labels.RouterComponent));
        service.Spec.Ports.Single().Should().Match<V1ServicePort>(p => p.Port == 8000 && p.Name == "http" && p.TargetPort.Value == "http");
    }

    [Fact]
    public void RouterRole_GrantsExactlyEndpointSliceReadsAndItsOwnChatDeployment()
    {
        var role = RouterRbac.Role(Routed())!;

        role.Rules.Should().BeEquivalentTo(new[]
        {
            new V1PolicyRule { ApiGroups = ["discovery.k8s.io"], Resources = ["endpointslices"], Verbs = ["get", "list", "watch"] },
            new V1PolicyRule { ApiGroups = ["parley.dev"], Resources = ["chatdeployments"], ResourceNames = ["chat"], Verbs = ["get", "patch"] },
        });
        var binding = RouterRbac.RoleBinding(Routed())!;
        binding.RoleRef.Name.Should().Be("chat-router");
        binding.Subjects.Single().Should().Match<Rbacv1Subject>(s => s.Kind == "ServiceAccount" && s.Name == "chat-router" && s.NamespaceProperty == "team-a");
        RouterRbac.ServiceAccount(Routed())!.Metadata.Name.Should().Be("chat-router");
    }

    [Fact]
    public void RoutingOff_BuildsNoRouterObjects_AndKeepsTheWorkerUrl()
    {
        var context = TestChats.Context(TestChats.Chat());

        (RouterDeployment.Build(context), ApiService.Build(context), RouterRbac.ServiceAccount(context), RouterRbac.Role(context), RouterRbac.RoleBinding(context))
            .Should().Be((null, null, null, null, null));
        ApiService.Url(context).Should().Be("http://chat-worker.team-a.svc:8000/v1");
        WorkerNetworkPolicy.Build(context)!.Spec.Ingress[0].FromProperty.Should().HaveCount(3, "the UI, Prometheus and the operator; no router");
    }

    [Fact]
    public void RoutingOn_PointsTheUiAtTheRouter_AndLetsTheRouterReachTheWorkers()
    {
        var context = Routed();

        ApiService.Url(context).Should().Be("http://chat.team-a.svc:8000/v1");
        UiDeployment.Build(context)!.Spec.Template.Spec.Containers[0].Env.Should().ContainEquivalentOf(new V1EnvVar { Name = "OPENAI_API_BASE_URL", Value = "http://chat.team-a.svc:8000/v1" });
        WorkerNetworkPolicy.Build(context)!.Spec.Ingress[0].FromProperty.Should().ContainEquivalentOf(
            new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector { MatchLabels = Labels.Selector(TestChats.Chat(), Labels.RouterComponent) } });
    }

    [Fact]
    public void WorkerDeployment_Autoscaled_TakesTheAutoscalersCount()
    {
        var context = Routed(autoscaling: new AutoscalingSpec { MinReplicas = 2, MaxReplicas = 5 });

        WorkerDeployment.Build(context).Spec.Replicas.Should().Be(2, "a new autoscaled ChatDeployment starts at minReplicas");
        WorkerDeployment.Build(context with { AutoscaledReplicas = 4 }).Spec.Replicas.Should().Be(4);
    }

    [Fact]
    public void WorkerDeployment_NotAutoscaled_LeavesReplicasUnsetAsBefore()
    {
        WorkerDeployment.Build(TestChats.Context(TestChats.Chat())).Spec.Replicas.Should().BeNull();
    }
}
