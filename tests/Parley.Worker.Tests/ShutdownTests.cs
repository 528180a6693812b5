// SIGTERM to a real worker process, as the kubelet sends it: requests that arrive during the drain get 503 with
// Retry-After, the running stream finishes every token and ends with [DONE], and the process exits 0. The model is
// sized so the stream outlives the two seconds after which a command-line host would otherwise give up.
using System.Diagnostics;
using System.Net;
using System.Text;
using Parley.Engine.Models;
using Parley.Testing;

namespace Parley.Worker.Tests;

public sealed class ShutdownTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("parley-shutdown-").FullName;
    private readonly StringBuilder _log = new();

    [Fact]
    public async Task Sigterm_DrainsWith503s_FinishesTheRunningStream_AndExitsZero()
    {
        TinyModel.Write(_folder, new TinyModelSpec { HiddenSize = 512, IntermediateSize = 2048, NumHiddenLayers = 12, NumAttentionHeads = 8, NumKeyValueHeads = 4 }, seed: 1);
        var port = LoopbackPort.Free();
        using var worker = StartWorker(port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(120) };
        await WaitUntilReadyAsync(http, worker);

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/completions", UriKind.Relative))
        {
            Content = new StringContent("{\"prompt\":\"go\",\"stream\":true,\"max_tokens\":60,\"ignore_eos\":true}", Encoding.UTF8, "application/json"),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        (await stream.ReadAsync(new byte[64])).Should().BeGreaterThan(0, "the stream has started");

        var clock = Stopwatch.StartNew();
        Signal(worker, "TERM");
        await Task.Delay(300);
        using (var late = await http.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent("{\"prompt\":\"x\",\"max_tokens\":2}", Encoding.UTF8, "application/json")))
        {
            late.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            late.Headers.RetryAfter.Should().NotBeNull();
        }

        var rest = await new StreamReader(stream).ReadToEndAsync();
        await worker.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        rest.Should().Contain("\"finish_reason\":\"length\"").And.EndWith("data: [DONE]\n\n");
        worker.ExitCode.Should().Be(0, $"the worker logged:\n{_log}");
        clock.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(2), "the drain outlived the command line's default two seconds, so the test can tell");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Process StartWorker(int port)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "parley-worker.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--model", _folder, "--host", "127.0.0.1", "--port", $"{port}", "--device", "cpu", "--threads", "1", "--shutdown-grace-seconds", "60" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start the worker.");
        process.OutputDataReceived += (_, line) => Log(line.Data);
        process.ErrorDataReceived += (_, line) => Log(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Log(string? line)
    {
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private static async Task WaitUntilReadyAsync(HttpClient http, Process worker)
    {
        for (var attempt = 0; attempt < 600 && !worker.HasExited; attempt++)
        {
            try
            {
                using var health = await http.GetAsync(new Uri("/health", UriKind.Relative));
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

        throw new TimeoutException("The worker did not become ready.");
    }

    private static void Signal(Process process, string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {process.Id}");
        kill.WaitForExit();
    }
}
