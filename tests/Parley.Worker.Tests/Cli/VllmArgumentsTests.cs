namespace Parley.Worker.Tests.Cli;

// The forms of a vLLM command line that a strict parser would refuse: `serve MODEL` with the model positional,
// underscores in flag names, and `--config file.yaml` under the command line's own flags.
public class VllmArgumentsTests
{
    [Theory]
    [InlineData("Qwen/Qwen3-8B", "--port", "9000")]
    [InlineData("serve", "Qwen/Qwen3-8B", "--port", "9000")]
    [InlineData("--model", "Qwen/Qwen3-8B", "--port", "9000")]
    [InlineData("--model=Qwen/Qwen3-8B", "--port=9000")]
    public async Task TheModel_MayComeFirstWithoutTheFlag_AfterAnOptionalServe(params string[] args)
    {
        var run = await CommandLineRun.InvokeAsync(args);

        run.ExitCode.Should().Be(0, run.Errors);
        run.Options!.Model.Should().Be("Qwen/Qwen3-8B");
        run.Options.Port.Should().Be(9000);
    }

    [Fact]
    public async Task PositionalModel_WinsOverModelFlag_AsInVllm()
    {
        var run = await CommandLineRun.InvokeAsync("serve", "a/positional", "--model", "b/flag");

        run.Options!.Model.Should().Be("a/positional");
    }

    [Fact]
    public async Task UnderscoresInFlagNames_ReadAsDashes()
    {
        var run = await CommandLineRun.InvokeAsync("--model", "demo", "--max_model_len", "2048", "--gpu_memory_utilization=0.5", "--chat-template", "my_template.jinja");

        run.ExitCode.Should().Be(0, run.Errors);
        run.Options!.MaxModelLen.Should().Be(2048);
        run.Options.GpuMemoryUtilization.Should().Be(0.5);
        run.Options.ChatTemplate.Should().Be("my_template.jinja", "values keep their underscores");
    }

    [Theory]
    [InlineData("--speculative-config")]
    [InlineData("--no-such-flag")]
    public async Task UnknownFlag_ExitsWithTwoNamingIt(string flag)
    {
        var run = await CommandLineRun.InvokeAsync("serve", "demo", flag, "x");

        run.ExitCode.Should().Be(2);
        run.Options.Should().BeNull();
        run.Errors.Should().Contain(flag);
    }

    [Fact]
    public async Task NoModel_ExitsWithTwoSayingHowToGiveOne()
    {
        var run = await CommandLineRun.InvokeAsync("--port", "9000");

        run.ExitCode.Should().Be(2);
        run.Errors.Should().Contain("--model is required");
    }

    [Fact]
    public async Task ConfigFile_GivesFlags_AndTheCommandLineOverridesThem()
    {
        var yaml = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(yaml, """
                model: Qwen/Qwen3-8B
                max-model-len: 4096
                max_num_seqs: 32
                port: 7000
                served-model-name: [qwen, gpt-4o-mini]
                enable-auto-tool-choice: true
                enable_prefix_caching: false
                tool-call-parser: hermes
                """);

            var run = await CommandLineRun.InvokeAsync("serve", "--config", yaml, "--port", "9000");

            run.ExitCode.Should().Be(0, run.Errors);
            run.Options!.Should().BeEquivalentTo(new
            {
                Model = "Qwen/Qwen3-8B", MaxModelLen = 4096, MaxNumSeqs = 32, Port = 9000, ServedModelNames = new[] { "qwen", "gpt-4o-mini" },
                EnablePrefixCaching = false, ToolCallParser = "hermes",
            });
        }
        finally
        {
            File.Delete(yaml);
        }
    }

    [Fact]
    public async Task PositionalModel_OverridesTheConfigFilesModel()
    {
        var yaml = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(yaml, "model: from/file\n");

            var run = await CommandLineRun.InvokeAsync("serve", "from/command-line", "--config", yaml);

            run.Options!.Model.Should().Be("from/command-line");
        }
        finally
        {
            File.Delete(yaml);
        }
    }

    [Theory]
    [InlineData("max-model-len: [", "not valid YAML")]
    [InlineData("- a\n- b\n", "must be a mapping of flag names to values")]
    [InlineData("compilation-config:\n  level: 3\n", "--compilation-config must have a value or a list of values")]
    [InlineData("kv-cache-dtype: fp8\n", "--kv-cache-dtype 'fp8' is not supported")]
    [InlineData("not-a-vllm-flag: 1\n", "--not-a-vllm-flag")]
    public async Task BadConfigFile_ExitsWithTwoSayingWhy(string content, string message)
    {
        var yaml = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(yaml, content);

            var run = await CommandLineRun.InvokeAsync("serve", "demo", "--config", yaml);

            run.ExitCode.Should().Be(2);
            run.Errors.Should().Contain(message);
        }
        finally
        {
            File.Delete(yaml);
        }
    }

    [Fact]
    public async Task MissingConfigFile_ExitsWithTwoNamingIt()
    {
        var run = await CommandLineRun.InvokeAsync("serve", "demo", "--config", "/nonexistent/vllm.yaml");

        run.ExitCode.Should().Be(2);
        run.Errors.Should().Contain("--config /nonexistent/vllm.yaml");
    }
}
