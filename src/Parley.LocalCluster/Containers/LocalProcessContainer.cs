// One container as a child process of this one. Its standard output and error are drained (a full pipe would stall
// it) into an optional log and a bounded tail; stopping is SIGTERM, the grace period, then SIGKILL of the whole tree.
using System.Diagnostics;

namespace Parley.LocalCluster.Containers;

/// <summary>A container running as a local process.</summary>
public sealed class LocalProcessContainer : IRunningContainer
{
    private readonly Process _process;
    private readonly TextTail _stderr = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LocalProcessContainer(Process process, int port, Action<string>? log)
    {
        _process = process;
        Port = port;
        ProcessId = process.Id;
        process.OutputDataReceived += (_, line) => Forward(log, line.Data);
        process.ErrorDataReceived += (_, line) =>
        {
            _stderr.Add(line.Data);
            Forward(log, line.Data);
        };
        process.Exited += (_, _) => _ = CompleteWhenDrainedAsync();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (process.HasExited)
        {
            _ = CompleteWhenDrainedAsync();
        }
    }

    public int Port { get; }
    public int ProcessId { get; }
    public Task<int> Exited => _exited.Task;
    public string StandardErrorTail => _stderr.ToString();

    /// <summary>Starts <paramref name="start"/> (output redirected here) serving on <paramref name="port"/>.</summary>
    /// <param name="log">Receives every line the process writes, or null to keep only the error tail.</param>
    public static LocalProcessContainer Start(ProcessStartInfo start, int port, Action<string>? log)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        if (!process.Start())
        {
            throw new ContainerStartException($"{start.FileName} did not start.");
        }

        return new LocalProcessContainer(process, port, log);
    }

    public async Task StopAsync(TimeSpan gracePeriod)
    {
        if (_exited.Task.IsCompleted)
        {
            return;
        }

        PosixSignals.Terminate(ProcessId);
        if (await Task.WhenAny(_exited.Task, Task.Delay(gracePeriod)).ConfigureAwait(false) != _exited.Task)
        {
            KillTree();
        }

        await _exited.Task.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        KillTree();
        await _exited.Task.ConfigureAwait(false);
        _process.Dispose();
    }

    private void KillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private async Task CompleteWhenDrainedAsync()
    {
        // WaitForExitAsync returns once the output pipes are read to the end, so the error tail is complete.
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _exited.TrySetResult(_process.ExitCode);
    }

    private static void Forward(Action<string>? log, string? line)
    {
        if (line is not null)
        {
            log?.Invoke(line);
        }
    }
}
