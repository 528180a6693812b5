namespace Parley.Worker.Tests.Cli;

// Command lines people paste from vLLM's docs, model cards, Helm charts and KubeAI (VllmCommandLines.txt, with their
// sources) start the worker: exit 0 and options that passed validation. Those asking for what one GPU cannot do stop
// with exit 2 and a sentence saying what is supported.
public class VllmCommandLinesTests
{
    public static TheoryData<string> CommandLines()
    {
        var data = new TheoryData<string>();
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Cli", "VllmCommandLines.txt")))
        {
            if (line.Length > 0 && !line.StartsWith('#'))
                data.Add(line);
        }

        return data;
    }

    [Fact]
    public void TheDataFile_HoldsAtLeastTenCommandLines() => CommandLines().Cast<object[]>().Count().Should().BeGreaterThanOrEqualTo(10);

    [Theory]
    [MemberData(nameof(CommandLines))]
    public async Task RealWorldCommandLine_StartsTheWorker(string commandLine)
    {
        var run = await CommandLineRun.InvokeAsync(ShellWords.ProgramArguments(commandLine));

        run.Errors.Should().BeEmpty();
        run.ExitCode.Should().Be(0);
        run.Options!.Model.Should().NotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("vllm serve deepseek-ai/DeepSeek-R1-Distill-Qwen-32B --tensor-parallel-size 2 --max-model-len 32768 --enforce-eager", "--tensor-parallel-size 2 is not supported: a Parley worker runs the whole model on one GPU")]
    [InlineData("vllm serve meta-llama/Llama-3.1-70B-Instruct -tp 4", "--tensor-parallel-size 4 is not supported")]
    [InlineData("vllm serve meta-llama/Llama-3.1-70B-Instruct --pipeline-parallel-size 2", "--pipeline-parallel-size 2 is not supported: a Parley worker runs every layer on one GPU")]
    [InlineData("vllm serve neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8 --kv-cache-dtype fp8", "--kv-cache-dtype 'fp8' is not supported: the KV cache is kept in the model's dtype; use auto")]
    [InlineData("vllm serve Qwen/Qwen2.5-7B-Instruct --kv-cache-dtype fp8_e5m2", "--kv-cache-dtype 'fp8_e5m2' is not supported")]
    [InlineData("vllm serve Qwen/Qwen2.5-7B-Instruct --block-size 32", "--block-size 32 is not supported: the engine's KV blocks hold 16 tokens; use 16")]
    public async Task CommandLineBeyondOneGpu_ExitsWithTwoSayingWhatIsSupported(string commandLine, string sentence)
    {
        var run = await CommandLineRun.InvokeAsync(ShellWords.ProgramArguments(commandLine));

        run.ExitCode.Should().Be(2);
        run.Options.Should().BeNull();
        run.Errors.Should().Contain(sentence);
    }
}
