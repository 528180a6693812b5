// Where a Parley program is on this machine: a framework-dependent build's .dll, run as `dotnet <dll>`, found next to
// the running program (a published layout, or a test's output folder) or in the repository's build output.
using System.Diagnostics;

namespace Parley.LocalCluster.Containers;

/// <summary>A program the runner can start: <c>dotnet</c> with the program's .dll.</summary>
/// <param name="Name">The assembly name, such as <c>parley-worker</c>.</param>
/// <param name="DllPath">The absolute path of <c>Name.dll</c>.</param>
public sealed record LocalExecutable(string Name, string DllPath)
{
    public const string Worker = "parley-worker";
    public const string Router = "parley-router";

    /// <summary>The repository folders whose build output holds each program.</summary>
    private static readonly Dictionary<string, string> ProjectFolders = new()
    {
        [Worker] = Path.Combine("worker", "Parley.Worker"),
        [Router] = Path.Combine("src", "Parley.Router"),
    };

    /// <summary>A process start for this program with <paramref name="arguments"/>.</summary>
    public ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add(DllPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>Finds <paramref name="name"/>: next to this program, then in the newest build output of its project in
    /// the repository this program was built in; null when neither has it.</summary>
    public static LocalExecutable? Find(string name, string? nextTo = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var folder = nextTo ?? AppContext.BaseDirectory;
        var beside = Path.Combine(folder, name + ".dll");
        if (File.Exists(beside))
        {
            return new LocalExecutable(name, beside);
        }

        var built = BuildOutputs(name, folder)
            .Select(dll => new FileInfo(dll))
            .Where(file => file.Exists)
            .OrderByDescending(file => file.LastWriteTimeUtc)
            .FirstOrDefault();
        return built is null ? null : new LocalExecutable(name, built.FullName);
    }

    /// <summary>Where <see cref="Find"/> looked, for the error message when it found nothing.</summary>
    public static string SearchedPlaces(string name, string? nextTo = null)
    {
        var folder = nextTo ?? AppContext.BaseDirectory;
        var project = ProjectFolders.TryGetValue(name, out var relative) ? $" and {relative}/bin/*/net*/ of the repository" : "";
        return $"{Path.Combine(folder, name + ".dll")}{project}";
    }

    private static IEnumerable<string> BuildOutputs(string name, string folder)
    {
        if (!ProjectFolders.TryGetValue(name, out var relative) || RepositoryRoot(folder) is not { } root)
        {
            return [];
        }

        var bin = Path.Combine(root, relative, "bin");
        return Directory.Exists(bin) ? Directory.EnumerateFiles(bin, name + ".dll", SearchOption.AllDirectories) : [];
    }

    private static string? RepositoryRoot(string folder)
    {
        for (var directory = new DirectoryInfo(folder); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Operator.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
