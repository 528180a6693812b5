// The huggingface_hub cache layout, so that either tool reuses what the other downloaded:
//   {cache}/models--{org}--{name}/blobs/{etag}              file contents, named by ETag (sha256 for LFS files)
//   {cache}/models--{org}--{name}/snapshots/{commit}/{file}  relative symlink to ../../blobs/{etag} (a copy where links fail)
//   {cache}/models--{org}--{name}/refs/{revision}            the commit the revision pointed at, without a newline
//   {cache}/.locks/models--{org}--{name}/{etag}.lock         held while the blob is being written
using System.Text.RegularExpressions;

namespace Parley.Worker.Download;

/// <summary>Paths and writes inside one repository's cache folder.</summary>
internal sealed partial class HubCache(string cacheDirectory, string repoId)
{
    private readonly string _folderName = "models--" + repoId.Replace("/", "--", StringComparison.Ordinal);

    public string RepoFolder => Path.Combine(cacheDirectory, _folderName);

    public static bool IsCommitHash(string revision) => CommitRegex().IsMatch(revision);

    public string BlobPath(string etag) => Path.Combine(RepoFolder, "blobs", etag);

    public string LockPath(string etag) => Path.Combine(cacheDirectory, ".locks", _folderName, etag + ".lock");

    public string SnapshotFolder(string commit) => Path.Combine(RepoFolder, "snapshots", commit);

    public string SnapshotFile(string commit, string file) =>
        Path.Combine(SnapshotFolder(commit), file.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Whether a snapshot file is there with contents: a link whose blob was deleted does not count.</summary>
    public static bool IsPresent(string path)
    {
        // File.Exists is true for a dangling symlink, so the link's final target is checked as well.
        var info = new FileInfo(path);
        return info.Exists && (info.LinkTarget is null || info.ResolveLinkTarget(returnFinalTarget: true) is { Exists: true });
    }

    /// <summary>The commit a revision resolved to last time, or the revision itself when it is a commit.</summary>
    public string? ReadRef(string revision)
    {
        if (IsCommitHash(revision))
        {
            return revision;
        }

        var path = RefPath(revision);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    public void WriteRef(string revision, string commit)
    {
        if (revision == commit || ReadRef(revision) == commit)
        {
            return;
        }

        var path = RefPath(revision);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, commit);
    }

    /// <summary>Makes <paramref name="file"/> in the snapshot point at its blob.</summary>
    public void Link(string commit, string file, string blobPath)
    {
        var target = SnapshotFile(commit, file);
        var folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        File.Delete(target);
        try
        {
            File.CreateSymbolicLink(target, Path.GetRelativePath(folder, blobPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // Some volumes (SMB, some CSI drivers) refuse symlinks; huggingface_hub copies then, and so do we.
            File.Copy(blobPath, target, overwrite: true);
        }
    }

    private string RefPath(string revision) =>
        Path.Combine(RepoFolder, "refs", revision.Replace('/', Path.DirectorySeparatorChar));

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitRegex();
}
