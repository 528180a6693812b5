using Parley.Worker.Cli;

namespace Parley.Worker.Tests;

public class WorkerCommandTests
{
    [Fact]
    public void VllmFlags_ParseIntoOptions()
    {
        WorkerOptions? parsed = null;
        var command = WorkerCommand.Create(options => { parsed = options; return Task.FromResult(0); });

        var exit = command.Parse([
            "--model", "org/name", "--served-model-name", "chat", "--revision", "v2", "--dtype", "bfloat16", "--max-model-len", "4096",
            "--gpu-memory-utilization", "0.85", "--max-num-seqs", "32", "--max-num-batched-tokens", "1024", "--enable-prefix-caching",
            "--reasoning-parser", "deepseek_r1", "--api-key", "k", "--host", "127.0.0.1", "--port", "9000", "--device", "cpu", "--stream-interval", "2",
        ]).Invoke();

        exit.Should().Be(0);
        parsed.Should().BeEquivalentTo(new WorkerOptions
        {
            Model = "org/name", ServedModelName = "chat", Revision = "v2", Dtype = "bfloat16", MaxModelLen = 4096, GpuMemoryUtilization = 0.85,
            MaxNumSeqs = 32, MaxNumBatchedTokens = 1024, EnablePrefixCaching = true, ReasoningParser = "deepseek_r1", ApiKey = "k",
            Host = "127.0.0.1", Port = 9000, Device = "cpu", StreamInterval = 2,
        });
    }

    [Fact]
    public void ToolFlags_AsVllmRecipesPassThem()
    {
        WorkerOptions? parsed = null;
        var exit = WorkerCommand.Create(options => { parsed = options; return Task.FromResult(0); })
            .Parse(["--model", "demo", "--enable-auto-tool-choice", "--tool-call-parser", "llama3_json"]).Invoke();

        exit.Should().Be(0);
        parsed!.ToolCallParser.Should().Be("llama3_json");
    }

    [Fact]
    public void NoEnablePrefixCaching_TurnsItOff()
    {
        WorkerOptions? parsed = null;
        WorkerCommand.Create(options => { parsed = options; return Task.FromResult(0); }).Parse(["--model", "demo", "--no-enable-prefix-caching"]).Invoke();

        parsed!.EnablePrefixCaching.Should().BeFalse();
    }

    [Theory]
    [InlineData("--gpu-memory-utilization", "1.5", "--gpu-memory-utilization must be in (0, 1]")]
    [InlineData("--device", "tpu", "--device 'tpu' is not one of auto, cuda, cpu")]
    [InlineData("--quantization", "awq", "--quantization 'awq' is not supported")]
    [InlineData("--tool-call-parser", "pythonic", "--tool-call-parser 'pythonic' is not known; known: hermes, llama3_json, mistral, deepseek_v3, deepseek_v31")]
    public void BadFlag_ExitsWithTwoAndSaysWhatToChange(string flag, string value, string message)
    {
        var error = new StringWriter();
        var command = WorkerCommand.Create(_ => Task.FromResult(0), error);

        var exit = command.Parse(["--model", "demo", flag, value]).Invoke();

        exit.Should().Be(2);
        error.ToString().Should().Contain(message);
    }
}
