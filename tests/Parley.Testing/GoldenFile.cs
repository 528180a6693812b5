// Golden files: expected outputs committed under tests/**/Golden/. Run the tests with UPDATE_GOLDEN=1 to rewrite them
// from the current code, then review the diff like any other change.
using Xunit;

namespace Parley.Testing;

/// <summary>Compares text with a committed golden file, or rewrites the file when UPDATE_GOLDEN=1.</summary>
public static class GoldenFile
{
    public static bool IsUpdating => Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1";

    /// <summary>Asserts that <paramref name="actual"/> equals the file at the repository-relative <paramref name="path"/>.</summary>
    public static void AssertMatches(string path, string actual)
    {
        var fullPath = RepositoryPaths.Of(path);
        if (IsUpdating)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
            File.WriteAllText(fullPath, actual);
            return;
        }

        Assert.True(File.Exists(fullPath), $"{path} is missing; run the tests with UPDATE_GOLDEN=1 to create it.");
        var expected = File.ReadAllText(fullPath);
        if (expected != actual)
        {
            var line = FirstDifferentLine(expected, actual);
            Assert.Fail($"{path} differs from the output at line {line.Number}:\n  expected: {line.Expected}\n  actual:   {line.Actual}\n" +
                "Run the tests with UPDATE_GOLDEN=1 to accept the new output, and review the diff.");
        }
    }

    private static (int Number, string Expected, string Actual) FirstDifferentLine(string expected, string actual)
    {
        var left = expected.Split('\n');
        var right = actual.Split('\n');
        for (var i = 0; i < Math.Max(left.Length, right.Length); i++)
        {
            var a = i < left.Length ? left[i] : "<end of file>";
            var b = i < right.Length ? right[i] : "<end of file>";
            if (a != b)
            {
                return (i + 1, a, b);
            }
        }

        return (0, "", "");
    }
}
