// The operator alone in a process: started by the benchmark against the in-memory API's URL, it says "synced" once
// its caches are filled, runs until a line arrives on stdin, and then reports its own memory high-water mark.
using System.Diagnostics;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Operator.Cli;
using Parley.Operator.Metrics;
using Parley.Operator.Runtime;

namespace Parley.Operator.Bench;

/// <summary>The operator's side of the benchmark, and the benchmark's handle on it.</summary>
internal sealed class OperatorProcess : IDisposable
{
    public const string Role = "operator";

    private readonly Process _process;

    private OperatorProcess(Process process) => _process = process;

    /// <summary>The operator's working set once its caches held their first lists, before any ChatDeployment.</summary>
    public long SyncedWorkingSet { get; private init; }

    /// <summary>Runs the operator in this process (the child's entry point).</summary>
    public static async Task<int> RunAsync(Uri api, int workers)
    {
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = api.ToString() });
        var metrics = new OperatorMetrics();
        using var host = new OperatorHost(client, new ControllerOptions { Workers = workers, LeaderElection = false }, NullLoggerFactory.Instance,
            metrics, TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => host.RunAsync(stop.Token));
        while (!host.HasSynced)
        {
            await Task.Delay(10);
        }

        using (var synced = Process.GetCurrentProcess())
        {
            Console.WriteLine($"synced working-set={synced.WorkingSet64}");
        }

        await Console.In.ReadLineAsync();
        await stop.CancelAsync();
        await running;
        using var self = Process.GetCurrentProcess();
        Console.WriteLine($"peak-working-set={self.PeakWorkingSet64}");
        Console.WriteLine($"gc-committed={GC.GetGCMemoryInfo().TotalCommittedBytes}");
        foreach (var (name, kib) in ResidentKinds())
        {
            Console.WriteLine($"{name}={kib * 1024}");
        }

        Console.WriteLine($"allocated={GC.GetTotalAllocatedBytes()}");
        Console.WriteLine($"heap={GC.GetTotalMemory(forceFullCollection: true)}");
        Console.WriteLine($"reconciles={(long)new[] { "success", "requeue", "error" }.Sum(result => metrics.ReconcileTotal.WithLabels(result).Value)}");
        return 0;
    }

    /// <summary>Linux's split of the resident set (kB): anonymous (GC heap, native), file-backed (assemblies and native
    /// libraries), shared (the JIT's double-mapped code); empty elsewhere.</summary>
    private static IEnumerable<(string Name, long KiB)> ResidentKinds() =>
        File.Exists("/proc/self/status")
            ? File.ReadLines("/proc/self/status")
                .Select(line => line.Split(':', 2))
                .Where(parts => parts[0] is "RssAnon" or "RssFile" or "RssShmem")
                .Select(parts => (parts[0], long.Parse(parts[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)))
            : [];

    /// <summary>Starts this program as the operator against <paramref name="api"/> and waits for its caches.</summary>
    public static async Task<OperatorProcess> StartAsync(Uri api, int workers)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.FileName = self;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(OperatorProcess).Assembly.Location);
        }

        foreach (var arg in new[] { Role, api.ToString(), workers.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in ProcessEnvironment.Variables)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the operator process.");
        var line = await process.StandardOutput.ReadLineAsync();
        return line?.StartsWith("synced working-set=", StringComparison.Ordinal) == true
            ? new OperatorProcess(process) { SyncedWorkingSet = long.Parse(line.Split('=')[1], System.Globalization.CultureInfo.InvariantCulture) }
            : throw new InvalidOperationException($"The operator process said '{line}'.");
    }

    /// <summary>Stops the operator and returns its figures by name: memory in bytes, the reconcile count.</summary>
    public async Task<IReadOnlyDictionary<string, long>> StopAsync()
    {
        await _process.StandardInput.WriteLineAsync("stop");
        var figures = new Dictionary<string, long>();
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            var parts = line.Split('=');
            if (parts.Length == 2 && long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                figures[parts[0]] = value;
            }
        }

        await _process.WaitForExitAsync();
        return figures;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
