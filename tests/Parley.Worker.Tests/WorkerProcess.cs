// parley-worker as a real process on a loopback port, for what only a process shows: signals, exit codes, the
// command line, and native libraries chosen by environment variables (the emulated CUDA).
using System.Diagnostics;
using System.Net;
using System.Text;
using Parley.Testing;

namespace Parley.Worker.Tests;

internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private WorkerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(120) };
        process.OutputDataReceived += (_, line) => Append(line.Data);
        process.ErrorDataReceived += (_, line) => Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }
    public HttpClient Http { get; }
    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the worker printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts the worker with <paramref name="arguments"/> after --host and --port; <paramref name="configure"/> sets its environment.</summary>
    public static WorkerProcess Start(IEnumerable<string> arguments, Action<ProcessStartInfo>? configure = null)
    {
        var port = LoopbackPort.Free();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "parley-worker.dll"), "--host", "127.0.0.1", "--port", $"{port}", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        configure?.Invoke(start);
        return new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("Cannot start the worker."), port);
    }

    /// <summary>Waits for /health to answer 200; throws with the log when the worker exits or takes too long.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(120));
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var health = await Http.GetAsync(new Uri("/health", UriKind.Relative));
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The worker did not become ready{(_process.HasExited ? $" (exit {_process.ExitCode})" : "")}:\n{Log}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {_process.Id}");
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        Http.Dispose();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
