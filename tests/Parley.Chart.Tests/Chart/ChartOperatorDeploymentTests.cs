using System.CommandLine;
using k8s.Models;
using Parley.Operator.Cli;
using Parley.Operator.Resources;

namespace Parley.Chart.Tests.Chart;

public class ChartOperatorDeploymentTests
{
    [Fact]
    public void Args_WithDefaults_ParseAsTheOperatorsRunCommandWithItsDefaultImages()
    {
        var parsed = ParseRun(RenderedChart.Render().OperatorContainer);

        parsed.Errors.Should().BeEmpty();
        parsed.GetValue<string>("--worker-image").Should().Be(OperatorDefaults.DefaultWorkerImage);
        parsed.GetValue<string>("--ui-image").Should().Be(OperatorDefaults.DefaultUiImage);
        parsed.GetValue<bool>("--leader-election").Should().BeTrue();
        parsed.GetValue<string>("--lease-namespace").Should().Be("parley-system");
        parsed.GetValue<int>("--port").Should().Be(8080);
        parsed.GetValue<int>("--workers").Should().Be(4);
    }

    [Fact]
    public void Args_WithSingleValues_PassTheImagesAndLeaderElectionOff()
    {
        var parsed = ParseRun(RenderedChart.Render("charts/parley/ci/single-values.yaml").OperatorContainer);

        parsed.Errors.Should().BeEmpty();
        parsed.GetValue<string>("--worker-image").Should().Be("registry.example.com/parley/parley-worker:0.1.0-rc.1");
        parsed.GetValue<bool>("--leader-election").Should().BeFalse();
        parsed.GetValue<int>("--workers").Should().Be(2);
    }

    [Fact]
    public void Env_CarriesTheOperatorsProcessEnvironment_AsTheBenchmarkMeasuresIt()
    {
        var env = RenderedChart.Render().OperatorContainer.Env.Where(e => e.Value is not null).ToDictionary(e => e.Name, e => e.Value);

        foreach (var (name, value) in ProcessEnvironment.Variables)
        {
            env.Should().Contain(name, value);
        }
    }

    [Fact]
    public void Image_WithDefaults_IsTheOperatorImageAtTheChartsAppVersion()
    {
        var chart = File.ReadAllText(Parley.Testing.RepositoryPaths.Of(Helm.ChartFolder, "Chart.yaml"));

        RenderedChart.Render().OperatorContainer.Image.Should().Be("ghcr.io/parley-dev/parley-operator:0.1.0");
        chart.Should().Contain("appVersion: \"0.1.0\"");
        OperatorDefaults.DefaultWorkerImage.Should().EndWith(":0.1.0", "the worker image is released with the same tag");
    }

    [Fact]
    public void Pods_CarryTheLabelTheWorkersNetworkPolicyAdmits()
    {
        var deployment = RenderedChart.Render("charts/parley/ci/custom-dashboard-label-values.yaml").Operator;

        deployment.Spec.Template.Metadata.Labels[Labels.Name].Should().Be(Labels.OperatorAppName);
        deployment.Spec.Selector.MatchLabels.Should().ContainKey(Labels.Name).WhoseValue.Should().Be(Labels.OperatorAppName);
        deployment.Spec.Template.Metadata.Labels["example.com/cost-center"].Should().Be("ml");
    }

    [Fact]
    public void Container_ProbesHealthzAndReadyzOnTheMetricsPort()
    {
        var container = RenderedChart.Render().OperatorContainer;

        container.LivenessProbe.HttpGet.Path.Should().Be("/healthz");
        container.ReadinessProbe.HttpGet.Path.Should().Be("/readyz");
        container.LivenessProbe.HttpGet.Port.Value.Should().Be("http-metrics");
        container.Ports.Single().ContainerPort.Should().Be(8080);
        container.Resources.Requests.Should().ContainKeys("cpu", "memory");
        container.Resources.Limits.Should().ContainKey("memory");
    }

    [Fact]
    public void Pod_RunsNonRootWithAReadOnlyRootFileSystemAndTheDefaultSeccompProfile()
    {
        var pod = RenderedChart.Render().Operator.Spec.Template.Spec;
        var container = pod.Containers.Single();

        pod.SecurityContext.RunAsNonRoot.Should().BeTrue();
        pod.SecurityContext.RunAsUser.Should().BeGreaterThan(0);
        pod.SecurityContext.SeccompProfile.Type.Should().Be("RuntimeDefault");
        container.SecurityContext.ReadOnlyRootFilesystem.Should().BeTrue();
        container.SecurityContext.AllowPrivilegeEscalation.Should().BeFalse();
        container.SecurityContext.Capabilities.Drop.Should().Equal("ALL");
        container.VolumeMounts.Should().ContainSingle(m => m.MountPath == "/tmp");
    }

    [Fact]
    public void Env_GivesThePodNameForTheLeaseIdentity()
    {
        var env = RenderedChart.Render().OperatorContainer.Env;

        env.Single(e => e.Name == "POD_NAME").ValueFrom.FieldRef.FieldPath.Should().Be("metadata.name");
    }

    [Fact]
    public void HaValues_RunTwoReplicasWithLeaderElectionAndAServiceMonitorOnTheMetricsPort()
    {
        var chart = RenderedChart.Render("charts/parley/ci/ha-values.yaml");
        var monitor = chart.Single<ServiceMonitorModel>("ServiceMonitor");
        var service = chart.Single<V1Service>("Service");

        chart.Operator.Spec.Replicas.Should().Be(2);
        ParseRun(chart.OperatorContainer).GetValue<bool>("--leader-election").Should().BeTrue();
        monitor.Metadata.Labels["release"].Should().Be("kube-prometheus-stack");
        monitor.Spec.Endpoints.Single().Port.Should().Be(service.Spec.Ports.Single().Name);
        monitor.Spec.Endpoints.Single().HonorLabels.Should().BeTrue("parley_tuned_* carry the ChatDeployment's namespace label");
        monitor.Spec.Selector.MatchLabels.Should().Contain(service.Metadata.Labels.Where(l => monitor.Spec.Selector.MatchLabels.ContainsKey(l.Key)));
        chart.All<V1ConfigMap>("ConfigMap").Should().OnlyContain(c => c.Metadata.NamespaceProperty == "monitoring");
    }

    private static ParseResult ParseRun(V1Container container)
    {
        container.Command.Should().BeNull("the image's entry point is parley-operator");
        return new RootCommand { RunCommand.Create() }.Parse(container.Args.ToArray());
    }
}
