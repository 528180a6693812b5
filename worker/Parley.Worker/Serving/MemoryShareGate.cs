// A Shared worker's start: wait, with a log line and a bounded timeout, until its share is free, instead of loading
// into memory a neighbour still holds and dying of out-of-memory. Polls every 250 ms: a neighbour frees its memory in
// one step when its process ends, so finer polling would only cost CPU.
using Microsoft.Extensions.Logging;

namespace Parley.Worker.Serving;

/// <summary>What a Shared worker saw and took, for /v1/parley/info.</summary>
/// <param name="ShareBytes">--gpu-memory-bytes.</param>
/// <param name="FreeSeenBytes">Free memory when the share was taken.</param>
public sealed record MemoryShareReport(long ShareBytes, long FreeSeenBytes);

/// <summary>Waits for a share to be free and takes it.</summary>
public static class MemoryShareGate
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>Claims <paramref name="shareBytes"/> from <paramref name="ledger"/>, waiting up to <paramref name="timeout"/>.</summary>
    /// <exception cref="InvalidOperationException">The share was not free in time; the message has the numbers.</exception>
    public static async Task<(IDisposable Claim, MemoryShareReport Report)> TakeAsync(
        CpuMemoryLedger ledger, long shareBytes, TimeSpan timeout, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var deadline = DateTime.UtcNow + timeout;
        var logged = false;
        while (true)
        {
            if (ledger.TryClaim(shareBytes, out var free) is { } claim)
            {
                logger.MemoryShareTaken(shareBytes, free);
                return (claim, new MemoryShareReport(shareBytes, free));
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new InvalidOperationException(
                    $"--gpu-memory-bytes {shareBytes} was not free after {timeout.TotalSeconds:0} s: {free} of {ledger.TotalBytes} bytes free. " +
                    "A neighbour on the device holds more than its share, or the shares add up to more than the device has.");
            }

            if (!logged)
            {
                logger.WaitingForMemoryShare(shareBytes, free, (int)timeout.TotalSeconds);
                logged = true;
            }

            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }
}
