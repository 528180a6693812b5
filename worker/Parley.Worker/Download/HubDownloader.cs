// The worker's one call into this folder: turn --model into a folder of config, tokenizer and safetensors files,
// downloading from the Hugging Face hub into its cache layout when they are not there yet.
using Microsoft.Extensions.Logging;

namespace Parley.Worker.Download;

/// <summary>Makes a model's checkpoint available on local disk.</summary>
public static class HubDownloader
{
    /// <summary>Returns the folder holding the model's files, downloading what is missing.</summary>
    /// <remarks>
    /// A local folder is returned as it is. A hub model is resolved to a commit, then config.json, tokenizer.json,
    /// tokenizer_config.json, the optional generation config, special tokens map and chat templates, and the
    /// safetensors weights (one file, or the index and every shard it names) are fetched into
    /// <c>{cache}/models--org--name</c> in huggingface_hub's layout; the returned folder is
    /// <c>snapshots/{commit}</c>. Files already in the snapshot are not requested again; partial files are resumed.
    /// With <see cref="HubOptions.IsOffline"/>, or when the hub cannot be reached after retries, a complete cached
    /// snapshot of the revision is used.
    /// </remarks>
    /// <param name="model">The model or adapter.</param>
    /// <param name="options">Endpoint, token and cache.</param>
    /// <param name="logger">Receives progress.</param>
    /// <param name="ct">Stops the download.</param>
    /// <param name="files">A checkpoint (the default) or a LoRA adapter, whose two PEFT files are fetched instead.</param>
    /// <exception cref="HubDownloadException">The model cannot be fetched; the message says what to change.</exception>
    public static async Task<string> EnsureLocalAsync(ModelReference model, HubOptions options, ILogger logger, CancellationToken ct, HubFileSet files = HubFileSet.Checkpoint)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        if (model.IsLocal)
        {
            return model.LocalPath!;
        }

        var repoId = model.RepoId!;
        var cache = new HubCache(options.CacheDirectory, repoId);
        if (options.IsOffline)
        {
            return CompleteSnapshot(cache, model.Revision, files)
                ?? throw new HubDownloadException($"HF_HUB_OFFLINE is set but {cache.RepoFolder} holds no complete snapshot of {model}: run once with the hub reachable, or unset HF_HUB_OFFLINE.");
        }

        // A commit never changes, so a complete snapshot of one needs no request at all.
        if (HubCache.IsCommitHash(model.Revision) && CompleteSnapshot(cache, model.Revision, files) is { } pinned)
        {
            return pinned;
        }

        try
        {
            return await DownloadAsync(model, options, cache, logger, files, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && HubRetry.IsTransient(e))
        {
            if (CompleteSnapshot(cache, model.Revision, files) is { } cached)
            {
                DownloadLog.UsingCacheAfterFailure(logger, e.Message, Path.GetFileName(cached), repoId);
                return cached;
            }

            throw new HubDownloadException($"downloading {model} from {options.Endpoint} failed after {options.MaxAttemptCount} tries: {e.Message} Start the worker again to resume.", e);
        }
    }

    private static async Task<string> DownloadAsync(ModelReference model, HubOptions options, HubCache cache, ILogger logger, HubFileSet files, CancellationToken ct)
    {
        var repoId = model.RepoId!;
        using var http = HubClient.CreateHttpClient();
        var client = new HubClient(http, options, repoId);
        var retry = HubRetry.Create(options, logger);
        var revision = await retry.ExecuteAsync(
            async token => await client.GetRevisionAsync(model.Revision, token).ConfigureAwait(false), ct).ConfigureAwait(false);
        cache.WriteRef(model.Revision, revision.Commit);

        var snapshot = new SnapshotDownload(client, cache, retry, new BlobDownload(client, options, logger, repoId), logger, repoId, revision.Commit);
        var wanted = files.Select(repoId, revision.Files);
        foreach (var file in wanted)
        {
            await snapshot.EnsureFileAsync(file, ct).ConfigureAwait(false);
        }

        var index = cache.SnapshotFile(revision.Commit, CheckpointFiles.WeightIndex);
        if (HubCache.IsPresent(index))
        {
            foreach (var shard in CheckpointFiles.ShardsOf(index))
            {
                await snapshot.EnsureFileAsync(shard, ct).ConfigureAwait(false);
            }
        }

        var folder = cache.SnapshotFolder(revision.Commit);
        DownloadLog.Ready(logger, repoId, model.Revision, revision.Commit, folder);
        return folder;
    }

    private static string? CompleteSnapshot(HubCache cache, string revision, HubFileSet files) =>
        cache.ReadRef(revision) is { } commit && cache.SnapshotFolder(commit) is var folder
        && Directory.Exists(folder) && files.IsComplete(folder)
            ? folder
            : null;
}
