// An exclusive lock per blob, on the file huggingface_hub locks ({cache}/.locks/models--org--name/{etag}.lock), so two
// downloaders sharing a cache (two pods on one volume, or the Python library) never write one .incomplete file at once.
// .NET opens with FileShare.None by taking flock(LOCK_EX) on Unix, the same lock Python's filelock takes.
using Microsoft.Extensions.Logging;

namespace Parley.Worker.Download;

/// <summary>Holds a blob's lock file open until disposed.</summary>
internal sealed class BlobLock : IDisposable
{
    // Polling, because flock has no async wait; a quarter second is nothing next to a download.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly FileStream _file;

    private BlobLock(FileStream file) => _file = file;

    public static async Task<BlobLock> AcquireAsync(string lockPath, string file, ILogger logger, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        for (var waited = false; ; waited = true)
        {
            try
            {
                return new BlobLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (File.Exists(lockPath))
            {
                if (!waited)
                {
                    DownloadLog.WaitingForLock(logger, file, lockPath);
                }

                await Task.Delay(PollInterval, ct).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
