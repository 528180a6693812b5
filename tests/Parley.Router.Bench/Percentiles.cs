namespace Parley.Router.Bench;

internal static class Percentiles
{
    /// <summary>The nearest-rank percentile of <paramref name="values"/>; NaN when empty.</summary>
    public static double Of(IReadOnlyCollection<double> values, double percentile)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public static string Milliseconds(IReadOnlyCollection<double> values) => $"p50 {Of(values, 50) * 1000,8:0.0} ms  p95 {Of(values, 95) * 1000,8:0.0} ms";
}
