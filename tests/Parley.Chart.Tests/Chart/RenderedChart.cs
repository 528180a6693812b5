// The chart as `helm template` renders it, parsed into JSON documents, with typed access to each kind.
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Parley.Api.Serialization;
using Parley.Testing;

namespace Parley.Chart.Tests.Chart;

internal sealed class RenderedChart(IReadOnlyList<JsonNode> documents)
{
    /// <summary>Every example values file under charts/parley/ci, plus "" for the chart's defaults.</summary>
    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string> { "" };
        foreach (var file in RepositoryPaths.Files(Path.Combine(Helm.ChartFolder, "ci"), "*-values.yaml"))
        {
            data.Add(Path.GetRelativePath(RepositoryPaths.Root, file));
        }

        return data;
    }

    /// <summary>Renders the chart with a values file (or the defaults for "") and extra helm arguments; fails the test when helm does.</summary>
    public static RenderedChart Render(string valuesFile = "", params string[] extra)
    {
        var result = Helm.Template([.. valuesFile.Length > 0 ? new[] { "-f", valuesFile } : [], .. extra]);
        Assert.True(result.ExitCode == 0, $"helm template failed: {result}");
        return new RenderedChart(YamlJson.ParseDocuments(result.Output));
    }

    public IReadOnlyList<JsonNode> Documents { get; } = documents;

    public IEnumerable<T> All<T>(string kind) =>
        Documents.Where(d => d["kind"]?.GetValue<string>() == kind).Select(Manifests.FromJson<T>);

    public T Single<T>(string kind) => All<T>(kind).Single();

    public V1Deployment Operator => Single<V1Deployment>("Deployment");

    public V1Container OperatorContainer => Operator.Spec.Template.Spec.Containers.Single();
}
