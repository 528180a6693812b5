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
            Model = "org/name", ServedModelNames = ["chat"], Revision = "v2", Dtype = "bfloat16", MaxModelLen = 4096, GpuMemoryUtilization = 0.85,
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

    [Fact]
    public async Task ServingFlags_ParseIntoOptions()
    {
        var folder = Directory.CreateTempSubdirectory("parley-tokenizer").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "tokenizer.json"), "{}");
            var run = await Cli.CommandLineRun.InvokeAsync(
                "serve", "demo", "--served-model-name", "a", "b", "c", "--seed", "7", "--max-logprobs", "5", "--tokenizer", folder,
                "--generation-config", "vllm", "--block-size", "16", "--kv-cache-dtype", "auto", "--enable-request-id-headers", "--disable-log-requests",
                "--disable-log-stats", "--uvicorn-log-level", "debug", "--enforce-eager");

            run.ExitCode.Should().Be(0, run.Errors);
            run.Options.Should().BeEquivalentTo(new
            {
                ServedModelNames = new[] { "a", "b", "c" }, ServedName = "a", Seed = 7L, MaxLogprobs = 5, Tokenizer = folder, GenerationConfig = "vllm", BlockSize = 16,
                KvCacheDtype = "auto", EnableRequestIdHeaders = true, DisableLogRequests = true, DisableLogStats = true, UvicornLogLevel = "debug", EnforceEager = true,
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task LeftOut_ServingFlagsTakeVllmsDefaults()
    {
        var run = await Cli.CommandLineRun.InvokeAsync("--model", "demo");

        run.Options.Should().BeEquivalentTo(new
        {
            ServedModelNames = Array.Empty<string>(), ServedName = "demo", Seed = (long?)null, MaxLogprobs = 20, Tokenizer = (string?)null, GenerationConfig = "auto",
            BlockSize = 16, KvCacheDtype = "auto", EnforceEager = false, TensorParallelSize = 1, PipelineParallelSize = 1, FlagsWithoutEffect = Array.Empty<string>(),
        });
    }

    [Fact]
    public async Task FlagsWithoutEffect_AreAcceptedWithValues_EachWithOneReason()
    {
        var run = await Cli.CommandLineRun.InvokeAsync(
            "--model", "demo", "--enable-chunked-prefill", "--trust-remote-code", "--tensor-parallel-size", "1", "--pipeline-parallel-size", "1",
            "--disable-custom-all-reduce", "--swap-space", "16", "--max-num-partial-prefills", "2", "--disable-log-stats");

        run.ExitCode.Should().Be(0, run.Errors);
        run.Options!.FlagsWithoutEffect.Select(reason => reason.Split(':')[0]).Should().BeEquivalentTo(
            "--enable-chunked-prefill", "--trust-remote-code", "--tensor-parallel-size 1", "--pipeline-parallel-size 1", "--disable-custom-all-reduce",
            "--swap-space", "--max-num-partial-prefills", "--disable-log-stats");
    }

    [Theory]
    [InlineData("--max-logprobs", "-2", "--max-logprobs must be -1 (the whole vocabulary) or at least 0, got -2.")]
    [InlineData("--uvicorn-log-level", "loud", "--uvicorn-log-level 'loud' is not one of critical, error, warning, info, debug, trace.")]
    [InlineData("--generation-config", "/nonexistent", "--generation-config '/nonexistent' is neither auto, vllm, nor a folder that exists.")]
    [InlineData("--tokenizer", "/nonexistent", "--tokenizer '/nonexistent' is not a folder holding tokenizer.json")]
    [InlineData("--kv-cache-dtype", "fp8_e4m3", "--kv-cache-dtype 'fp8_e4m3' is not supported")]
    [InlineData("--tensor-parallel-size", "8", "--tensor-parallel-size 8 is not supported")]
    public async Task UnsupportedValue_ExitsWithTwoAndSaysWhatWorks(string flag, string value, string message)
    {
        var run = await Cli.CommandLineRun.InvokeAsync("--model", "demo", flag, value);

        run.ExitCode.Should().Be(2);
        run.Errors.Should().Contain(message);
    }

    [Theory]
    [InlineData(null, Microsoft.Extensions.Logging.LogLevel.Warning)]
    [InlineData("critical", Microsoft.Extensions.Logging.LogLevel.Critical)]
    [InlineData("error", Microsoft.Extensions.Logging.LogLevel.Error)]
    [InlineData("warning", Microsoft.Extensions.Logging.LogLevel.Warning)]
    [InlineData("info", Microsoft.Extensions.Logging.LogLevel.Information)]
    [InlineData("debug", Microsoft.Extensions.Logging.LogLevel.Debug)]
    [InlineData("trace", Microsoft.Extensions.Logging.LogLevel.Trace)]
    public void UvicornLogLevel_MapsToAspNetCoresLevel(string? uvicorn, Microsoft.Extensions.Logging.LogLevel expected) =>
        Hosting.WorkerApp.WebServerLogLevel(uvicorn).Should().Be(expected);

    [Fact]
    public async Task LoraFlags_ParseBothFormsOfLoraModules()
    {
        var run = await Cli.CommandLineRun.InvokeAsync(
            "--model", "demo", "--served-model-name", "chat", "--enable-lora", "--lora-modules", "sql=/adapters/sql",
            """{"name": "tone", "path": "/adapters/tone", "base_model_name": "chat"}""", "--max-loras", "4", "--max-lora-rank", "64");

        run.ExitCode.Should().Be(0, run.Errors);
        run.Options.Should().BeEquivalentTo(new
        {
            EnableLora = true, MaxLoras = 4, MaxLoraRank = 64,
            LoraModules = new[] { new LoraModulePath("sql", "/adapters/sql"), new LoraModulePath("tone", "/adapters/tone", "chat") },
        });
    }

    [Fact]
    public async Task LeftOut_LoraFlagsTakeVllmsDefaults()
    {
        var run = await Cli.CommandLineRun.InvokeAsync("--model", "demo");

        run.Options.Should().BeEquivalentTo(new { EnableLora = false, MaxLoras = 1, MaxLoraRank = 16, LoraModules = Array.Empty<LoraModulePath>() });
    }

    [Theory]
    [InlineData("--lora-modules sql=/a", "--lora-modules needs --enable-lora")]
    [InlineData("--enable-lora --lora-modules sql", "--lora-modules 'sql' is neither name=path nor a JSON object")]
    [InlineData("--enable-lora --lora-modules {\"name\":\"x\"}", "is not a JSON object with string fields name and path")]
    [InlineData("--enable-lora --max-loras 0", "--max-loras must be at least 1, got 0.")]
    [InlineData("--enable-lora --lora-modules demo=/a", "names an adapter 'demo', which is also a served model name")]
    [InlineData("--enable-lora --lora-modules a=/a a=/b", "names the adapter 'a' twice")]
    public async Task BadLoraFlags_ExitWithTwoAndSayWhatToChange(string flags, string message)
    {
        var run = await Cli.CommandLineRun.InvokeAsync(["--model", "demo", .. flags.Split(' ')]);

        run.ExitCode.Should().Be(2);
        run.Errors.Should().Contain(message);
    }
}
