// One file's bytes into its blob: written to {blob}.incomplete, resumed from that file's length with a Range request,
// checked against the hub's size and (for LFS files) sha256, then renamed into place so a blob is always whole.
using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Parley.Worker.Download;

/// <summary>Downloads, resumes and verifies one blob; a transient failure leaves the partial file for the next try.</summary>
internal sealed class BlobDownload(HubClient client, HubOptions options, ILogger logger, string repoId)
{
    // 1 MiB reads: large enough that per-read overhead vanishes next to the network, small enough for a pooled array.
    private const int BufferSize = 1 << 20;

    public async Task DownloadAsync(string commit, string file, FileMetadata metadata, string blobPath, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(blobPath)!);
        var partial = blobPath + ".incomplete";
        var offset = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        if (metadata.Size is { } size && offset > size)
        {
            File.Delete(partial);
            offset = 0;
        }

        if (metadata.Size is not { } expected || offset < expected)
        {
            await FetchAsync(commit, file, metadata.Size, partial, offset, ct).ConfigureAwait(false);
        }

        await VerifyAsync(file, metadata, partial, ct).ConfigureAwait(false);
        File.Move(partial, blobPath, overwrite: true);
    }

    private async Task FetchAsync(string commit, string file, long? size, string partial, long offset, CancellationToken ct)
    {
        if (offset > 0)
        {
            DownloadLog.Resuming(logger, file, offset / 1e6);
        }

        using var response = await client.GetFileAsync(commit, file, offset, ct).ConfigureAwait(false);
        offset = StartOf(response, file, partial, offset);
        var progress = new DownloadProgress(logger, file, size, offset, options.ProgressInterval);
        var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var output = new FileStream(partial, offset == 0 ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.None, 0, useAsync: true);
        await using (body.ConfigureAwait(false))
        await using (output.ConfigureAwait(false))
        {
            var done = await CopyAsync(body, output, file, offset, progress, ct).ConfigureAwait(false);
            progress.Complete(done);
        }
    }

    // Where the body starts: at the offset for a 206 that honours the range, at zero when the server sent the whole file.
    private long StartOf(HttpResponseMessage response, string file, string partial, long offset)
    {
        if (offset == 0)
        {
            return 0;
        }

        if (response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From == offset)
        {
            return offset;
        }

        if (response.StatusCode == HttpStatusCode.OK)
        {
            DownloadLog.RangeIgnored(logger, file);
            return 0;
        }

        File.Delete(partial);
        throw new TransientHubException($"the server answered a range request for {file} with {response.Content.Headers.ContentRange}; starting it again.");
    }

    private async Task<long> CopyAsync(Stream body, FileStream output, string file, long done, DownloadProgress progress, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            while (true)
            {
                stall.CancelAfter(options.StallTimeout);
                int read;
                try
                {
                    read = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new TimeoutException($"no data for {file} in {options.StallTimeout.TotalSeconds:F0} s.");
                }

                if (read == 0)
                {
                    return done;
                }

                await output.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                done += read;
                progress.Report(done);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task VerifyAsync(string file, FileMetadata metadata, string partial, CancellationToken ct)
    {
        var length = new FileInfo(partial).Length;
        if (metadata.Size is { } size && length < size)
        {
            throw new TransientHubException($"{file} ended after {length} of {size} bytes.");
        }

        if (metadata.Size is { } expectedSize && length > expectedSize)
        {
            File.Delete(partial);
            throw new HubDownloadException($"{file} of {repoId} is {length} bytes but the hub announced {expectedSize}; the partial download was deleted: start the worker again to download it anew.");
        }

        if (metadata.Sha256 is not { } expected)
        {
            return;
        }

        string actual;
        var input = new FileStream(partial, FileMode.Open, FileAccess.Read, FileShare.Read, 0, useAsync: true);
        await using (input.ConfigureAwait(false))
        {
            actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(input, ct).ConfigureAwait(false));
        }

        if (actual != expected)
        {
            File.Delete(partial);
            throw new HubDownloadException($"{file} of {repoId} does not match its checksum: sha256 {actual}, expected {expected}; the partial download was deleted: start the worker again to download it anew.");
        }
    }
}
