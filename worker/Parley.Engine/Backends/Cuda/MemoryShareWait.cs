// A Shared worker's start on a GPU: its share must be free before it loads, or it would take memory a neighbour still
// holds (a neighbour loading, or one not yet stopped after a re-plan) and die of out-of-memory. It waits, warning once,
// up to a bound, polling every 250 ms: a neighbour frees its memory in one step when its process ends.
namespace Parley.Engine.Backends.Cuda;

/// <summary>Waits for a memory share to be free on the device.</summary>
public static class MemoryShareWait
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>Returns the free bytes once at least <paramref name="shareBytes"/> are free.</summary>
    /// <exception cref="InvalidOperationException">Not free within <paramref name="timeout"/>; the message has the numbers.</exception>
    public static long Until(long shareBytes, Func<long> freeBytes, TimeSpan timeout, Action<string>? warn)
    {
        ArgumentNullException.ThrowIfNull(freeBytes);
        var deadline = DateTime.UtcNow + timeout;
        var warned = false;
        while (true)
        {
            var free = freeBytes();
            if (free >= shareBytes)
            {
                return free;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new InvalidOperationException(
                    $"--gpu-memory-bytes {shareBytes} was not free after {timeout.TotalSeconds:0} s: {free} bytes free on the GPU. " +
                    "A neighbour on the GPU holds more than its share, or the shares add up to more than the GPU has.");
            }

            if (!warned)
            {
                warn?.Invoke($"Waiting for {shareBytes} bytes of GPU memory: {free} free (a neighbour still loading or not yet stopped); " +
                    $"giving up after {timeout.TotalSeconds:0} s");
                warned = true;
            }

            Thread.Sleep(Poll);
        }
    }
}
