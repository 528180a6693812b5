// `parley-worker --device cuda` on the emulated CUDA (tests/cuda-emulator): the real CUDA backend serves a streamed
// chat; a device too small for the weights, or for one sequence at --max-model-len, ends the start with exit 1 and a
// sentence that says what to change. The device's memory is the emulator's PARLEY_EMU_DEVICE_MEMORY; a small
// --max-num-batched-tokens keeps the start-up profiling pass short on the emulator.
using System.Text;
using System.Text.Json.Nodes;
using Parley.Engine.Models;
using Parley.Testing;
using Parley.Testing.Models;

namespace Parley.Worker.Tests;

public sealed class CudaWorkerTests : IDisposable
{
    private readonly TinyCheckpointFolder _model = new(new TinyModelSpec { MaxPositionEmbeddings = 131072 }, seed: 2);


    [Fact]
    public async Task DeviceCuda_OnTheEmulator_ServesAStreamedChatEndingWithDone()
    {
        using var worker = WorkerProcess.Start(["--model", _model.Path, "--device", "cuda", "--max-num-batched-tokens", "128", "--max-model-len", "256", "--max-num-seqs", "4"],
            start => CudaEmulator.UseIn(start, deviceMemoryBytes: 256L << 20));
        await worker.WaitUntilReadyAsync();

        using var chat = await worker.Http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative),
            new StringContent("{\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}],\"stream\":true,\"max_tokens\":12}", Encoding.UTF8, "application/json"));
        var body = await chat.Content.ReadAsStringAsync();
        var info = JsonNode.Parse(await worker.Http.GetStringAsync(new Uri("/v1/parley/info", UriKind.Relative)))!;

        body.Should().StartWith("data: {").And.EndWith("data: [DONE]\n\n").And.NotContain("\"error\"");
        info["device"]!.GetValue<string>().Should().Contain("cuda", $"the worker logged:\n{worker.Log}");
    }

    [Fact]
    public async Task DeviceCuda_WithAShare_ReportsTheShareAndTheFreeMemoryItSaw()
    {
        using var worker = WorkerProcess.Start(["--model", _model.Path, "--device", "cuda", "--max-num-batched-tokens", "128", "--max-model-len", "256", "--max-num-seqs", "4",
            "--gpu-memory-bytes", $"{128L << 20}"], start => CudaEmulator.UseIn(start, deviceMemoryBytes: 256L << 20));
        await worker.WaitUntilReadyAsync();

        var info = JsonNode.Parse(await worker.Http.GetStringAsync(new Uri("/v1/parley/info", UriKind.Relative)))!;

        info["memory_share_bytes"]!.GetValue<long>().Should().Be(128L << 20);
        info["memory_free_seen_bytes"]!.GetValue<long>().Should().BeInRange(128L << 20, 256L << 20, $"the worker logged:\n{worker.Log}");
        info["memory_taken_bytes"]!.GetValue<long>().Should().BePositive().And.BeLessThanOrEqualTo(128L << 20);
    }

    [Fact]
    public async Task DeviceCuda_AShareLargerThanWhatIsFree_ExitsOneAfterTheWaitWithTheNumbers()
    {
        using var worker = WorkerProcess.Start(["--model", _model.Path, "--device", "cuda", "--max-num-batched-tokens", "128", "--max-model-len", "256",
            "--gpu-memory-bytes", $"{512L << 20}", "--gpu-memory-wait-seconds", "0"], start => CudaEmulator.UseIn(start, deviceMemoryBytes: 256L << 20));

        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(120));

        exitCode.Should().Be(1);
        worker.Log.Should().Contain($"--gpu-memory-bytes {512L << 20} was not free after 0 s");
    }

    [Fact]
    public async Task DeviceCuda_WithALoraModule_AnswersUnderTheAdaptersName()
    {
        using var lora = new TinyLoraFolder(_model.Path);
        using var worker = WorkerProcess.Start(["--model", _model.Path, "--device", "cuda", "--max-num-batched-tokens", "128", "--max-model-len", "256", "--max-num-seqs", "4",
            "--enable-lora", "--lora-modules", $"sql={lora.Path}"], start => CudaEmulator.UseIn(start, deviceMemoryBytes: 256L << 20));
        await worker.WaitUntilReadyAsync();

        using var completion = await worker.Http.PostAsync(new Uri("/v1/completions", UriKind.Relative),
            new StringContent("{\"model\":\"sql\",\"prompt\":\"Hello\",\"max_tokens\":4}", Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await completion.Content.ReadAsStringAsync())!;

        body["model"]?.GetValue<string>().Should().Be("sql", $"the worker answered {body.ToJsonString()} and logged:\n{worker.Log}");
        body["usage"]!["completion_tokens"]!.GetValue<int>().Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task DeviceCuda_WeightsLargerThanTheDevice_ExitsOneWithTheTerminationLine()
    {
        var terminationLog = Path.Combine(_model.Path, "termination-log");
        using var worker = WorkerProcess.Start(["--model", _model.Path, "--device", "cuda", "--max-num-batched-tokens", "128", "--max-model-len", "256", "--termination-log", terminationLog],
            start => CudaEmulator.UseIn(start, deviceMemoryBytes: 64L << 10));

        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(120));

        exitCode.Should().Be(1);
        worker.Log.Should().Contain("CUDA_ERROR_OUT_OF_MEMORY");
        File.ReadAllText(terminationLog).Should().StartWith($"{Parley.Api.Contracts.OutOfMemoryTermination.Prefix} while loading").And.EndWith("\n");
    }

    [Fact]
    public async Task DeviceCuda_MaxModelLenThatDoesNotFit_ExitsOneNamingALengthThatFits()
    {
        using var worker = WorkerProcess.Start(["--model", _model.Path, "--device", "cuda", "--max-num-batched-tokens", "128", "--max-model-len", "131072"],
            start => CudaEmulator.UseIn(start, deviceMemoryBytes: 64L << 20));

        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(120));

        exitCode.Should().Be(1);
        worker.Log.Should().Contain("max_model_len 131072 needs").And.Contain("lower --max-model-len to");
    }

    public void Dispose() => _model.Dispose();
}
