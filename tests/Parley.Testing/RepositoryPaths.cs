// Finds files of the repository from a test's output folder.
namespace Parley.Testing;

/// <summary>Paths inside the repository checkout the tests run from.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding Operator.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>An absolute path from a repository-relative one.</summary>
    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Every file under a repository folder matching <paramref name="pattern"/>, sorted.</summary>
    public static IReadOnlyList<string> Files(string folder, string pattern) =>
        Directory.GetFiles(Of(folder), pattern).Order(StringComparer.Ordinal).ToList();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Operator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Operator.sln above {AppContext.BaseDirectory}.");
    }
}
