// SIGTERM to a real worker process, as the kubelet sends it: requests that arrive during the drain get 503 with
// Retry-After, the running stream finishes every token and ends with [DONE], and the process exits 0. The model is
// sized so the stream outlives the two seconds after which a command-line host would otherwise give up: float32 weights,
// which the CPU backend multiplies with its managed kernels on every machine (bf16 runs natively, 2-3x faster, where
// the CPU has AVX-512 BF16, and finished this stream in 1.3 s).
using System.Diagnostics;
using System.Net;
using System.Text;
using Parley.Engine.Models;
using Parley.Testing.Models;

namespace Parley.Worker.Tests;

public sealed class ShutdownTests : IDisposable
{
    private readonly TinyCheckpointFolder _model = new(new TinyModelSpec
    {
        HiddenSize = 512, IntermediateSize = 2048, NumHiddenLayers = 12, NumAttentionHeads = 8, NumKeyValueHeads = 4, Dtype = SafetensorsDtype.F32,
    });

    [Fact]
    public async Task Sigterm_DrainsWith503s_FinishesTheRunningStream_AndExitsZero()
    {
        using var worker = WorkerProcess.Start(["--model", _model.Path, "--device", "cpu", "--threads", "1", "--shutdown-grace-seconds", "60"]);
        await worker.WaitUntilReadyAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/completions", UriKind.Relative))
        {
            Content = new StringContent("{\"prompt\":\"go\",\"stream\":true,\"max_tokens\":60,\"ignore_eos\":true}", Encoding.UTF8, "application/json"),
        };
        using var response = await worker.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        (await stream.ReadAsync(new byte[64])).Should().BeGreaterThan(0, "the stream has started");

        var clock = Stopwatch.StartNew();
        worker.Signal("TERM");
        await Task.Delay(300);
        using (var late = await worker.Http.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent("{\"prompt\":\"x\",\"max_tokens\":2}", Encoding.UTF8, "application/json")))
        {
            late.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            late.Headers.RetryAfter.Should().NotBeNull();
        }

        var rest = await new StreamReader(stream).ReadToEndAsync();
        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));

        rest.Should().Contain("\"finish_reason\":\"length\"").And.EndWith("data: [DONE]\n\n");
        exitCode.Should().Be(0, $"the worker logged:\n{worker.Log}");
        clock.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(2), "the drain outlived the command line's default two seconds, so the test can tell");
    }

    public void Dispose() => _model.Dispose();
}
