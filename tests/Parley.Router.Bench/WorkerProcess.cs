// A real `parley-worker --model demo` process on a loopback port, started from the worker project's build output in the
// bench's configuration, with prefix caching on. Its console output is kept only to explain a failed start.
using System.Collections.Concurrent;
using System.Diagnostics;
using Parley.Testing;

namespace Parley.Router.Bench;

/// <summary>One worker process.</summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lastLines = new();

    private WorkerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}");

    public static async Task<WorkerProcess> StartAsync(string configuration, int threads, int maxNumSeqs)
    {
        var dll = RepositoryPaths.Of("worker", "Parley.Worker", "bin", configuration, "net10.0", "parley-worker.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build the worker first: dotnet build -c {configuration} worker/Parley.Worker", dll);
        }

        var port = LoopbackPort.Free();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                dll, "--model", "demo", "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--max-num-seqs", maxNumSeqs.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--enable-prefix-caching", "--disable-log-requests",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var worker = new WorkerProcess(process, port);
        process.OutputDataReceived += (_, e) => worker.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await worker.WaitUntilReadyAsync();
        return worker;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lastLines.Enqueue(line);
        while (_lastLines.Count > 20)
        {
            _lastLines.TryDequeue(out _);
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (_process.HasExited)
            {
                break;
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"The worker on port {Port} did not become ready:\n{string.Join('\n', _lastLines)}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
