// Fills one commit's snapshot folder file by file; a file already in the snapshot costs no request.
using Microsoft.Extensions.Logging;
using Polly;

namespace Parley.Worker.Download;

/// <summary>Makes files of one commit present in the cache's snapshot folder.</summary>
internal sealed class SnapshotDownload(
    HubClient client, HubCache cache, ResiliencePipeline retry, BlobDownload blobs, ILogger logger, string repoId, string commit)
{
    public async Task EnsureFileAsync(string file, CancellationToken ct)
    {
        // File names come from the repository (shard names from its index): none may point outside the snapshot.
        if (Path.IsPathRooted(file) || file.Split('/', '\\').Any(part => part is "" or "." or ".."))
        {
            throw new HubDownloadException($"model {repoId} names a file '{file}' outside its own folder; refusing it.");
        }

        if (HubCache.IsPresent(cache.SnapshotFile(commit, file)))
        {
            return;
        }

        var blob = await retry.ExecuteAsync(async token =>
        {
            var metadata = await client.GetFileMetadataAsync(commit, file, token).ConfigureAwait(false);
            var path = cache.BlobPath(metadata.Etag);
            if (!File.Exists(path))
            {
                using var blobLock = await BlobLock.AcquireAsync(cache.LockPath(metadata.Etag), file, logger, token).ConfigureAwait(false);
                // Whoever held the lock before may have finished this very blob.
                if (!File.Exists(path))
                {
                    await blobs.DownloadAsync(commit, file, metadata, path, token).ConfigureAwait(false);
                }
            }

            return path;
        }, ct).ConfigureAwait(false);
        cache.Link(commit, file, blob);
    }
}
