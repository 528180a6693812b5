// The printed figures: each round as it finishes, then each phase's best, median and worst over the rounds.
using System.Globalization;

namespace Parley.Cluster.Bench;

/// <summary>Prints rounds and the summary table, in milliseconds.</summary>
internal static class PhaseTable
{
    public static void PrintRound(int round, ColdStart start) =>
        Console.WriteLine($"round {round}: " + string.Join(", ", start.Phases.Select(phase => $"{phase.Name} {Milliseconds(phase.Duration)} ms")));

    public static void PrintSummary(IReadOnlyList<ColdStart> starts)
    {
        Console.WriteLine();
        Console.WriteLine($"| phase ({starts.Count} rounds, ms) | best | median | worst |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var name in starts[0].Phases.Select(phase => phase.Name))
        {
            var durations = starts.Select(start => start.Phases.Single(phase => phase.Name == name).Duration).Order().ToList();
            Console.WriteLine($"| {name} | {Milliseconds(durations[0])} | {Milliseconds(Median(durations))} | {Milliseconds(durations[^1])} |");
        }
    }

    /// <summary>The middle of sorted <paramref name="sorted"/>, or the mean of the two middle values for an even count.</summary>
    private static TimeSpan Median(List<TimeSpan> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    private static string Milliseconds(TimeSpan duration) => duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
}
