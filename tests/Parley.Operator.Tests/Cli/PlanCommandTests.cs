using System.Text.Json.Nodes;

namespace Parley.Operator.Tests.Cli;

public class PlanCommandTests
{
    [Fact]
    public void Plan_Json_CarriesEveryFieldTheReadmeNames()
    {
        var result = CliRunner.Run("plan", "--model", "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "--gpu", "rtx-3060-12gb", "-o", "json");

        result.ExitCode.Should().Be(0, result.Error);
        var plan = JsonNode.Parse(result.Output)!.AsObject();
        plan.Select(pair => pair.Key).Should().Contain(
        [
            "gpuProduct", "gpuMemoryBytes", "weightsBytes", "kvBytesPerToken", "kvCacheTokens", "gpuMemoryUtilization", "maxModelLen",
            "maxNumSeqs", "tensorParallelSize", "reasons",
        ]);
        plan["gpuProduct"]!.GetValue<string>().Should().Be("NVIDIA-GeForce-RTX-3060");
        plan["maxModelLen"]!.GetValue<int>().Should().Be(58_064);
        plan["kvBytesPerToken"]!.GetValue<long>().Should().Be(28_672);
        plan["reasons"]!.AsArray().Should().HaveCount(6);
    }

    [Fact]
    public void Plan_Yaml_ParsesToTheSameNumbers()
    {
        var result = CliRunner.Run("plan", "--model", "Qwen/Qwen3-8B", "--gpu", "l4", "-o", "yaml");

        result.ExitCode.Should().Be(0, result.Error);
        var plan = Parley.Api.Serialization.YamlJson.ParseDocuments(result.Output).Single();
        plan["gpuProduct"]!.GetValue<string>().Should().Be("NVIDIA-L4");
        plan["kvBytesPerToken"]!.GetValue<long>().Should().Be(147_456);
    }

    [Fact]
    public void Plan_Table_ShowsTheNumbersAndTheReasons()
    {
        var result = CliRunner.Run("plan", "--model", "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "--gpu", "h100");

        result.ExitCode.Should().Be(0);
        result.Output.Should().Contain("MAX MODEL LEN           131,072").And.Contain("WHY").And.Contain("- KV cache:");
    }

    [Fact]
    public void Plan_Refusal_ExitsNonZeroWithTheMessageOnStderr()
    {
        var result = CliRunner.Run("plan", "--model", "meta-llama/Meta-Llama-3-8B-Instruct", "--gpu", "rtx-3060-12gb");

        result.ExitCode.Should().Be(2);
        result.Output.Should().BeEmpty();
        result.Error.Should().Contain("needs 15.0 GiB for weights").And.Contain("Use quantization: gptq");
    }

    [Fact]
    public void Plan_QuantizationGptq_PlansTheGptqCheckpoint()
    {
        var result = CliRunner.Run("plan", "--model", "meta-llama/Meta-Llama-3-8B-Instruct", "--gpu", "rtx-3060-12gb", "--quantization", "gptq", "-o", "json");

        result.ExitCode.Should().Be(0, result.Error);
        result.Error.Should().Contain("TechxGENus/Meta-Llama-3-8B-Instruct-GPTQ");
        JsonNode.Parse(result.Output)!["maxModelLen"]!.GetValue<int>().Should().Be(8192);
    }

    [Fact]
    public void Plan_TargetConcurrency_SharesTheCacheAmongMoreConversations()
    {
        var four = JsonNode.Parse(CliRunner.Run("plan", "--model", "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "--gpu", "rtx-3060-12gb", "-o", "json").Output)!;
        var eight = JsonNode.Parse(CliRunner.Run("plan", "--model", "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "--gpu", "rtx-3060-12gb", "--target-concurrency", "8", "-o", "json").Output)!;

        var kvTokens = four["kvCacheTokens"]!.GetValue<long>();
        four["maxModelLen"]!.GetValue<int>().Should().Be((int)Parley.Tuning.KvBudget.RoundDownToBlock(kvTokens / 4));
        eight["maxModelLen"]!.GetValue<int>().Should().Be((int)Parley.Tuning.KvBudget.RoundDownToBlock(kvTokens / 8));
    }

    [Fact]
    public void Plan_UnknownGpu_ListsTheKnownOnes()
    {
        var result = CliRunner.Run("plan", "--model", "Qwen/Qwen3-8B", "--gpu", "voodoo-5");

        result.ExitCode.Should().Be(1);
        result.Error.Should().Contain("Unknown GPU 'voodoo-5'").And.Contain("rtx-3060-12gb");
    }

    [Fact]
    public void Plan_MissingModel_IsAUsageError()
    {
        CliRunner.Run("plan", "--gpu", "l4").ExitCode.Should().NotBe(0);
    }
}
