// The benchmark's printout: each size's figures against the goals, then how the time grew between sizes.
using System.Globalization;

namespace Parley.Operator.Bench;

internal static class Report
{
    private const double MiB = 1 << 20;

    public static void Print(BenchResult r)
    {
        Console.WriteLine($"ChatDeployments          {r.Count} (workers {r.Workers}, {Environment.ProcessorCount} cores)");
        Console.WriteLine($"created in               {r.CreatedAfter.TotalSeconds:0.00} s");
        Console.WriteLine($"all reconciled after     {r.ReconciledAfter.TotalSeconds:0.00} s ({r.Count / r.ReconciledAfter.TotalSeconds:0} per second, " +
            $"{r.ReconciledAfter.TotalMilliseconds / r.Count:0.00} ms each)");
        Console.WriteLine(Line("API requests per chat", r.RequestsPerChat, Goals.MaxRequestsPerChat, "0.0",
            $"{r.Requests} in all: the creates, the operator's lists, watches, reads and writes"));
        Console.WriteLine(Line("API writes per chat", r.WritesPerChat, Goals.MaxWritesPerChat, "0.0", $"{r.Writes} in all, including the creates"));
        const string where = "MiB, the operator's own process; the in-memory API runs in the benchmark's";
        Console.WriteLine(Goals.IsWorkingSetJudged(r)
            ? Line("operator peak working set", r.OperatorPeakWorkingSet / MiB, Goals.MaxOperatorPeakWorkingSet / MiB, "0", where)
            : $"{"operator peak working set",-24} {r.OperatorPeakWorkingSet / MiB:0} ({where}; the {Goals.MaxOperatorPeakWorkingSet / MiB:0} MiB goal is set at {Goals.WorkingSetGoalCount} ChatDeployments)");
        Console.WriteLine($"operator memory          {r.OperatorSyncedWorkingSet / MiB:0} MiB working set once synced (no ChatDeployments); at the end " +
            $"{r.Figure("RssAnon") / MiB:0} MiB anonymous (GC committed {r.Figure("gc-committed") / MiB:0}, live heap {r.Figure("heap") / MiB:0}), " +
            $"{r.Figure("RssFile") / MiB:0} MiB mapped files, {r.Figure("RssShmem") / MiB:0} MiB JIT code; {r.Figure("allocated") / MiB:0} MiB allocated in all");
        Console.WriteLine($"reconciles per chat      {(double)r.Figure("reconciles") / r.Count:0.0}");
        Console.WriteLine($"verdict                  {(Goals.AreMet(r) ? "all goals met" : "GOALS MISSED")}");
        Console.WriteLine();
    }

    /// <summary>Time per ChatDeployment at each size relative to the smallest: about 1.0 when the time grows linearly.</summary>
    public static void PrintGrowth(IReadOnlyList<BenchResult> results)
    {
        if (results.Count < 2)
        {
            return;
        }

        var baseline = results[0];
        var perChat = baseline.ReconciledAfter.TotalMilliseconds / baseline.Count;
        foreach (var r in results.Skip(1))
        {
            var ratio = r.ReconciledAfter.TotalMilliseconds / r.Count / perChat;
            Console.WriteLine($"growth {baseline.Count} -> {r.Count}: {r.Count / (double)baseline.Count:0.#}x the ChatDeployments took " +
                $"{r.ReconciledAfter.TotalSeconds / baseline.ReconciledAfter.TotalSeconds:0.0}x the time; time per ChatDeployment {ratio:0.00}x " +
                $"({(ratio <= 1.5 ? "about linear" : "worse than linear")})");
        }
    }

    private static string Line(string name, double value, double goal, string format, string note) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{name,-24} {value.ToString(format, CultureInfo.InvariantCulture)} (goal <= {goal.ToString(format, CultureInfo.InvariantCulture)}: " +
            $"{value / goal:0.00} of it, {(value <= goal ? "met" : "MISSED")}; {note})");
}
