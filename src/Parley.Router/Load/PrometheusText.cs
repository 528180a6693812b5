// Reads gauges out of a Prometheus text exposition (format 0.0.4): the sum of a metric's samples over all label sets,
// since a worker may label per model. Comments, other metrics and names that merely start alike are skipped.
using System.Globalization;

namespace Parley.Router.Load;

/// <summary>Sums of named metrics in Prometheus text.</summary>
public static class PrometheusText
{
    /// <summary>The sum of <paramref name="metric"/>'s samples, or null when it has none.</summary>
    public static double? Sum(string exposition, string metric)
    {
        ArgumentNullException.ThrowIfNull(exposition);
        ArgumentException.ThrowIfNullOrEmpty(metric);
        double? sum = null;
        foreach (var rawLine in exposition.AsSpan().EnumerateLines())
        {
            var line = rawLine.Trim();
            if (!line.StartsWith(metric, StringComparison.Ordinal) || line.Length == metric.Length)
            {
                continue;
            }

            var rest = line[metric.Length..];
            if (rest[0] == '{')
            {
                var close = rest.LastIndexOf('}');
                if (close < 0)
                {
                    continue;
                }

                rest = rest[(close + 1)..];
            }
            else if (rest[0] is not (' ' or '\t'))
            {
                continue; // another metric whose name starts with this one
            }

            rest = rest.Trim();
            var end = rest.IndexOfAny(' ', '\t'); // a timestamp may follow the value
            if (double.TryParse(end < 0 ? rest : rest[..end], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                sum = (sum ?? 0) + value;
            }
        }

        return sum;
    }
}
