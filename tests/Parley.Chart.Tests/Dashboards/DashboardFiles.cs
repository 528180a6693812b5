// The Grafana dashboards shipped in the chart, and every PromQL query in them (panel targets, nested row panels and
// variable queries).
using System.Text.Json.Nodes;
using Parley.Testing;

namespace Parley.Chart.Tests.Dashboards;

internal sealed record DashboardFile(string Name, JsonObject Json)
{
    public const string Folder = "charts/parley/dashboards";

    public static IReadOnlyList<DashboardFile> All() =>
        RepositoryPaths.Files(Folder, "*.json")
            .Select(path => new DashboardFile(Path.GetFileName(path), JsonNode.Parse(File.ReadAllText(path))!.AsObject()))
            .ToList();

    public static DashboardFile Named(string name) => All().Single(d => d.Name == name);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var dashboard in All())
        {
            data.Add(dashboard.Name);
        }

        return data;
    }

    /// <summary>Every panel, rows' nested panels included.</summary>
    public IEnumerable<JsonObject> Panels() =>
        (Json["panels"]?.AsArray() ?? []).OfType<JsonObject>()
            .SelectMany(panel => new[] { panel }.Concat((panel["panels"]?.AsArray() ?? []).OfType<JsonObject>()));

    public IEnumerable<JsonObject> Variables() => (Json["templating"]?["list"]?.AsArray() ?? []).OfType<JsonObject>();

    /// <summary>The PromQL of every panel target.</summary>
    public IEnumerable<string> Expressions() =>
        Panels().SelectMany(panel => (panel["targets"]?.AsArray() ?? []).OfType<JsonObject>())
            .Select(target => target["expr"]?.GetValue<string>() ?? "");

    /// <summary>Every metric name the dashboard reads, from targets and from variable queries.</summary>
    public IReadOnlySet<string> MetricNames()
    {
        var names = Expressions().SelectMany(PromQl.MetricNames).ToHashSet();
        foreach (var variable in Variables().Where(v => v["type"]?.GetValue<string>() == "query"))
        {
            var query = variable["query"] is JsonObject q ? q["query"]?.GetValue<string>() : variable["query"]?.GetValue<string>();
            if (query is not null && PromQl.VariableMetric(query) is { } metric)
            {
                names.Add(metric);
            }
        }

        return names;
    }
}
