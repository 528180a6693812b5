using System.Text.Json.Nodes;
using Parley.Testing;

namespace Parley.Chart.Tests.Chart;

public class ChartTemplateTests
{
    [Theory]
    [MemberData(nameof(RenderedChart.Scenarios), MemberType = typeof(RenderedChart))]
    public void Lint_WithEachScenario_Passes(string valuesFile)
    {
        var result = Helm.Run(["lint", "--strict", Helm.ChartFolder, .. valuesFile.Length > 0 ? new[] { "-f", valuesFile } : []]);

        result.ExitCode.Should().Be(0, result.ToString());
    }

    [Theory]
    [MemberData(nameof(RenderedChart.Scenarios), MemberType = typeof(RenderedChart))]
    public void Template_WithEachScenario_EveryDocumentParsesStrictlyIntoItsModelType(string valuesFile)
    {
        var chart = RenderedChart.Render(valuesFile);

        chart.Documents.Should().NotBeEmpty();
        foreach (var document in chart.Documents)
        {
            var name = $"{document["kind"]} {document["metadata"]?["name"]}";
            var model = StrictManifest.ModelOf(document);
            model.Should().NotBeNull($"{name} is a kind the chart is not known to render");
            StrictManifest.UnknownFields(document, model!).Should().BeEmpty($"every field of {name} must exist in {model!.Name}");
        }
    }

    [Fact]
    public void StrictCheck_MisspelledField_IsReported()
    {
        var deployment = RenderedChart.Render().Documents.Single(d => d["kind"]!.GetValue<string>() == "Deployment").DeepClone();
        var container = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();
        container["readinesProbe"] = container["readinessProbe"]!.DeepClone();

        StrictManifest.UnknownFields(deployment, StrictManifest.ModelOf(deployment)!)
            .Should().Equal("$.spec.template.spec.containers[0].readinesProbe");
    }

    [Fact]
    public void StrictCheck_MisspelledFieldInAServiceMonitor_IsReported()
    {
        var monitor = RenderedChart.Render("charts/parley/ci/ha-values.yaml").Documents.Single(d => d["kind"]!.GetValue<string>() == "ServiceMonitor").DeepClone();
        monitor["spec"]!["endpoints"]![0]!["honourLabels"] = true;

        StrictManifest.UnknownFields(monitor, StrictManifest.ModelOf(monitor)!).Should().Equal("$.spec.endpoints[0].honourLabels");
    }

    [Fact]
    public void Crd_InTheChart_IsTheGeneratedOne()
    {
        const string generated = "crds/parley.dev_chatdeployments.yaml";
        var inChart = Path.Combine(Helm.ChartFolder, generated);

        File.ReadAllText(RepositoryPaths.Of(inChart)).Should().Be(File.ReadAllText(RepositoryPaths.Of(generated)),
            $"{inChart} must be a copy of {generated}: cp {generated} {inChart}");
    }

    [Fact]
    public void Template_RendersTheCrdFromTheChartsCrdsFolder()
    {
        var crd = RenderedChart.Render().Single<k8s.Models.V1CustomResourceDefinition>("CustomResourceDefinition");

        crd.Metadata.Name.Should().Be("chatdeployments.parley.dev");
        crd.Spec.Names.ShortNames.Should().Contain("chat");
    }

    [Fact]
    public void Template_Defaults_RenderEachObjectOnceAndNoServiceMonitor()
    {
        var kinds = RenderedChart.Render().Documents.Select(d => $"{d["kind"]} {d["metadata"]!["name"]}").ToList();

        kinds.Should().BeEquivalentTo(
        [
            "CustomResourceDefinition chatdeployments.parley.dev",
            "ServiceAccount parley",
            "ConfigMap parley-dashboard-chat-serving",
            "ConfigMap parley-dashboard-operator",
            "ClusterRole parley",
            "ClusterRoleBinding parley",
            "Role parley-leader-election",
            "RoleBinding parley-leader-election",
            "Service parley-metrics",
            "Deployment parley",
        ]);
    }

    [Fact]
    public void Template_Dashboards_AreConfigMapsLabelledForTheGrafanaSidecar()
    {
        var defaults = RenderedChart.Render().All<k8s.Models.V1ConfigMap>("ConfigMap").ToList();
        var custom = RenderedChart.Render("charts/parley/ci/custom-dashboard-label-values.yaml").All<k8s.Models.V1ConfigMap>("ConfigMap").ToList();

        defaults.Should().HaveCount(2).And.OnlyContain(c => c.Metadata.Labels["grafana_dashboard"] == "1");
        defaults.SelectMany(c => c.Data.Keys).Should().BeEquivalentTo("chat-serving.json", "operator.json");
        foreach (var map in defaults)
        {
            var file = map.Data.Keys.Single();
            JsonNode.DeepEquals(JsonNode.Parse(map.Data[file]), JsonNode.Parse(File.ReadAllText(RepositoryPaths.Of(Helm.ChartFolder, "dashboards", file))))
                .Should().BeTrue($"the ConfigMap carries dashboards/{file} unchanged");
        }

        custom.Should().OnlyContain(c => c.Metadata.Labels["grafana.com/dashboard"] == "parley" && !c.Metadata.Labels.ContainsKey("grafana_dashboard"));
    }
}
