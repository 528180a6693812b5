// Wall-clock time of each matrix product of the CPU backend, for profiling (CpuBackendOptions.TimeProducts): how long
// each product took with all the gang's threads on it, and so its GFLOP/s. A step's products run one after another on
// the caller's thread, so the timer needs no lock; a product is timed from the gang's start to its last thread's end.
using System.Diagnostics;

namespace Parley.Engine.Backends.Cpu;

/// <summary>One product shape's calls and total time: y[Tokens, OutFeatures] = x[Tokens, InFeatures]·Wᵀ, the weights
/// multiplied together (q, k and v; gate and up) counted as one product of their rows end to end.</summary>
public sealed record ProductTime(int InFeatures, int OutFeatures, int Tokens, long Calls, TimeSpan Elapsed)
{
    /// <summary>Floating-point operations per second over all calls (a multiply-add counted as two), in billions.</summary>
    public double GigaflopsPerSecond => Elapsed <= TimeSpan.Zero ? 0 : 2.0 * InFeatures * OutFeatures * Tokens * Calls / Elapsed.TotalSeconds / 1e9;

    /// <summary>Milliseconds a call.</summary>
    public double MillisecondsPerCall => Calls == 0 ? 0 : Elapsed.TotalMilliseconds / Calls;
}

/// <summary>Adds up the time of every matrix product by shape.</summary>
public sealed class ProductTimer
{
    private readonly Dictionary<(int In, int Out, int Tokens), (long Calls, long Ticks)> _totals = [];

    /// <summary>Every shape timed since the last <see cref="Reset"/>, in the order first seen.</summary>
    public IReadOnlyList<ProductTime> Snapshot() =>
        _totals.Select(pair => new ProductTime(pair.Key.In, pair.Key.Out, pair.Key.Tokens, pair.Value.Calls, Stopwatch.GetElapsedTime(0, pair.Value.Ticks))).ToList();

    /// <summary>Forgets every time so far (a warm-up's, say).</summary>
    public void Reset() => _totals.Clear();

    internal void Add(int inFeatures, int outFeatures, int tokens, long startedTimestamp)
    {
        var elapsed = Stopwatch.GetTimestamp() - startedTimestamp;
        var key = (inFeatures, outFeatures, tokens);
        _totals.TryGetValue(key, out var total);
        _totals[key] = (total.Calls + 1, total.Ticks + elapsed);
    }
}
