// Per-key exponential backoff: 5 ms doubling to a cap, as controller-runtime's default item limiter; forgotten on success.
using System.Collections.Concurrent;

namespace Parley.Operator.Runtime;

/// <summary>Delays for retrying a failed key, growing with its consecutive failures.</summary>
public sealed class BackoffLimiter(TimeSpan baseDelay, TimeSpan maxDelay)
{
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

    public static BackoffLimiter Default() => new(TimeSpan.FromMilliseconds(5), TimeSpan.FromMinutes(5));

    /// <summary>Records a failure of <paramref name="key"/> and returns how long to wait before retrying it.</summary>
    public TimeSpan When(string key)
    {
        var failures = _failures.AddOrUpdate(key, 1, (_, n) => n + 1);
        var delay = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30));
        return TimeSpan.FromMilliseconds(Math.Min(delay, maxDelay.TotalMilliseconds));
    }

    /// <summary>Consecutive failures recorded for <paramref name="key"/>.</summary>
    public int Failures(string key) => _failures.GetValueOrDefault(key);

    /// <summary>Clears the failures of <paramref name="key"/> after a success.</summary>
    public void Forget(string key) => _failures.TryRemove(key, out _);
}
