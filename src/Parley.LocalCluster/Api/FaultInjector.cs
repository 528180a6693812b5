// Fault injection, deterministic for a seed: whether the n-th matching request fails depends only on the seed and
// the order of requests, so a test that sends its requests in sequence sees the same faults on every run.
namespace Parley.LocalCluster.Api;

/// <summary>Makes requests fail or hang, and drops watches. Thread-safe.</summary>
/// <remarks>
/// A <c>method</c> filter is an HTTP method, or <c>WATCH</c> for GETs with <c>watch=true</c>; a <c>pathContains</c>
/// filter matches a substring of the path (<c>/deployments</c>, <c>/status</c>). One-shot faults from
/// <see cref="FailNext"/> and <see cref="HangNext"/> are used before fractional ones.
/// </remarks>
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<FaultRule> _rules = [];
    private readonly ObjectStore _store;
    private Random _random;

    internal FaultInjector(ObjectStore store, int seed)
    {
        _store = store;
        _random = new Random(seed);
    }

    /// <summary>How many requests a fault has failed or hung so far.</summary>
    public int InjectedCount { get; private set; }

    /// <summary>When set, every watch ends (cleanly) after sending this many events.</summary>
    public int? DropWatchesAfterEventCount { get; set; }

    /// <summary>Fails the next <paramref name="count"/> matching requests with <paramref name="statusCode"/>.</summary>
    public void FailNext(string? method = null, string? pathContains = null, int statusCode = 500, int count = 1) =>
        AddRule(new FaultRule(FaultAction.Fail, method, pathContains, statusCode, Fraction: 1, RemainingCount: count));

    /// <summary>Hangs the next <paramref name="count"/> matching requests.</summary>
    public void HangNext(string? method = null, string? pathContains = null, int count = 1) =>
        AddRule(new FaultRule(FaultAction.Hang, method, pathContains, 0, Fraction: 1, RemainingCount: count));

    /// <summary>Fails each matching request with probability <paramref name="fraction"/>, until <see cref="Clear"/>.</summary>
    public void FailFraction(double fraction, string? method = null, string? pathContains = null, int statusCode = 500) =>
        AddRule(new FaultRule(FaultAction.Fail, method, pathContains, statusCode, fraction, RemainingCount: null));

    /// <summary>Hangs each matching request with probability <paramref name="fraction"/>, until <see cref="Clear"/>.</summary>
    public void HangFraction(double fraction, string? method = null, string? pathContains = null) =>
        AddRule(new FaultRule(FaultAction.Hang, method, pathContains, 0, fraction, RemainingCount: null));

    /// <summary>Ends every open watch now: cleanly (the client's enumeration completes), or by resetting the connection.</summary>
    public void DropWatches(bool abortConnections = false) => _store.DropWatches(abortConnections);

    /// <summary>Removes every rule and drop setting, and restarts the random sequence from <paramref name="seed"/> when given.</summary>
    public void Clear(int? seed = null)
    {
        lock (_gate)
        {
            _rules.Clear();
            DropWatchesAfterEventCount = null;
            if (seed is { } s)
            {
                _random = new Random(s);
            }
        }
    }

    /// <summary>The fault for a request, or null to serve it normally.</summary>
    internal FaultRule? Decide(string method, string path, bool isWatch)
    {
        lock (_gate)
        {
            foreach (var rule in _rules.OrderBy(r => r.RemainingCount is null).ToList())
            {
                if (!rule.Matches(method, path, isWatch) || (rule.Fraction < 1 && _random.NextDouble() >= rule.Fraction))
                {
                    continue;
                }

                _rules.Remove(rule);
                if (rule.RemainingCount is not { } remaining)
                {
                    _rules.Add(rule);
                }
                else if (remaining > 1)
                {
                    _rules.Add(rule with { RemainingCount = remaining - 1 });
                }

                InjectedCount++;
                return rule;
            }

            return null;
        }
    }

    private void AddRule(FaultRule rule)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rule.Fraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rule.Fraction, 1);
        lock (_gate)
        {
            _rules.Add(rule);
        }
    }
}
