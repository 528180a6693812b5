// The worker's folders form layers: Cli -> Hosting -> Http -> Serving -> Download, with Metrics and ChatPage beside
// them. A folder never depends on one that depends on it, and Serving (the model's life: load, hold, drain) holds no
// HTTP type: the protocol is Http's alone. Read from the sources, so a new `using` that breaks a layer fails here.
using System.Text.RegularExpressions;
using Parley.Testing;

namespace Parley.Worker.Tests;

public partial class LayeringTests
{
    private static readonly string WorkerFolder = RepositoryPaths.Of("worker", "Parley.Worker");

    [Fact]
    public void NoFolderOfTheWorker_DependsOnAFolderThatDependsOnIt()
    {
        var graph = Dependencies();

        graph.Keys.Should().Contain(["Http", "Serving", "Hosting"], "the test must read the real folders");
        foreach (var (folder, _) in graph)
        {
            Reachable(graph, folder).Should().NotContain(folder, $"{folder} reaches itself through {string.Join(", ", graph[folder])}");
        }
    }

    [Fact]
    public void Serving_HoldsNoHttpType()
    {
        var offenders = Directory.GetFiles(Path.Combine(WorkerFolder, "Serving"), "*.cs")
            .Where(file => File.ReadAllText(file).Contains("Microsoft.AspNetCore", StringComparison.Ordinal) || File.ReadAllText(file).Contains("HttpContext", StringComparison.Ordinal))
            .Select(Path.GetFileName);

        offenders.Should().BeEmpty();
    }

    [Fact]
    public void TheDependencyReader_SeesAKnownEdge()
    {
        // Http's endpoints run the model that Serving holds: if this edge is not seen, the cycle test proves nothing.
        Dependencies()["Http"].Should().Contain("Serving");
    }

    private static Dictionary<string, HashSet<string>> Dependencies()
    {
        var folders = Directory.GetDirectories(WorkerFolder).Select(Path.GetFileName).OfType<string>()
            .Where(name => name is not ("bin" or "obj") && Directory.GetFiles(Path.Combine(WorkerFolder, name), "*.cs").Length > 0)
            .ToHashSet();
        return folders.ToDictionary(folder => folder, folder => Directory.GetFiles(Path.Combine(WorkerFolder, folder), "*.cs")
            .SelectMany(file => WorkerNamespace().Matches(File.ReadAllText(file)).Select(match => match.Groups[1].Value))
            .Where(used => used != folder && folders.Contains(used))
            .ToHashSet());
    }

    private static HashSet<string> Reachable(Dictionary<string, HashSet<string>> graph, string from)
    {
        var seen = new HashSet<string>();
        var pending = new Stack<string>(graph[from]);
        while (pending.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                graph[next].ToList().ForEach(pending.Push);
            }
        }

        return seen;
    }

    [GeneratedRegex(@"Parley\.Worker\.([A-Z][A-Za-z]*)")]
    private static partial Regex WorkerNamespace();
}
