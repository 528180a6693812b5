using System.Text.Json.Nodes;

namespace Parley.Operator.Tests.Cli;

public class SharedPlanCommandTests
{
    private const string Llama = "TechxGENus/Meta-Llama-3-8B-Instruct-GPTQ";
    private const string R1 = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B";

    [Fact]
    public void PlanShared_SeedModelsOnL4_PrintsBothSharesInOneTable()
    {
        var result = CliRunner.Run("plan", "--model", Llama, "--model", R1, "--gpu", "l4", "--shared", "--target-concurrency", "1");

        result.ExitCode.Should().Be(0, result.Error);
        // 0.93 x 23,034 MiB = 22,462,196,613 usable, divided 7,706,779,648 : 4,925,451,264 (weights + 768 MiB reserve +
        // activations at 2,048 batched tokens, Llama's GPTQ unpacking scratch included, + 4,096 tokens of KV each).
        result.Output.Should().Contain("(13,703,929,330 B)").And.Contain("(8,758,267,282 B)")
            .And.Contain("WHY TechxGENus/Meta-Llama-3-8B-Instruct-GPTQ").And.Contain("- Share: 20.9 GiB usable (0.93 x 22.5 GiB)");
        result.Output.Split('\n')[0].Should().StartWith("MODEL").And.EndWith("BATCHED TOKENS");
    }

    [Fact]
    public void PlanShared_SeedModelsOnRtx3060_PrintsThePlacedOneAndRefusesTheOther()
    {
        var result = CliRunner.Run("plan", "--model", Llama, "--model", R1, "--gpu", "rtx-3060-12gb", "--shared", "--target-concurrency", "1");

        result.ExitCode.Should().Be(2);
        result.Output.Should().Contain("(11,467,562,680 B)");
        result.Error.Should().StartWith("DeepSeek-R1-Distill-Qwen-1.5B (bfloat16, 1 x 4,096 tokens) needs 4.5 GiB")
            .And.Contain("holds Meta-Llama-3-8B-Instruct-GPTQ and has 3.7 GiB of its 10.7 GiB usable left");
    }

    [Fact]
    public void PlanShared_Json_CarriesEachModelsShare()
    {
        var result = CliRunner.Run("plan", "--model", Llama, "--model", R1, "--gpu", "l4", "--shared", "--target-concurrency", "1", "-o", "json");

        result.ExitCode.Should().Be(0, result.Error);
        var models = JsonNode.Parse(result.Output)!["models"]!.AsArray();
        models.Select(model => model!["shareBytes"]!.GetValue<long>()).Should().Equal(13_703_929_330, 8_758_267_282);
        models.Select(model => model!["device"]!.GetValue<string>()).Should().Equal("node-0/gpu-0", "node-0/gpu-0");
    }

    [Fact]
    public void PlanShared_MigSlicesOneModelEach_GivesEachAWholeSlice()
    {
        var result = CliRunner.Run("plan", "--model", Llama, "--model", R1, "--gpu", "a100-40gb-mig-3g.20gb", "--shared", "--sharing", "exclusive",
            "--gpu-count", "2", "-o", "json");

        result.ExitCode.Should().Be(0, result.Error);
        var models = JsonNode.Parse(result.Output)!["models"]!.AsArray();
        // 0.92 x 20,096 MiB = 19,386,408,632 per slice.
        models.Select(model => (model!["device"]!.GetValue<string>(), model["shareBytes"]!.GetValue<long>()))
            .Should().Equal(("node-0/mig-3g.20gb-0", 19_386_408_632L), ("node-0/mig-3g.20gb-1", 19_386_408_632L));
    }

    [Fact]
    public void Plan_SeveralModelsWithoutShared_IsInvalidInput()
    {
        var result = CliRunner.Run("plan", "--model", Llama, "--model", R1, "--gpu", "l4");

        result.ExitCode.Should().Be(1);
        result.Error.Should().Contain("add --shared");
    }
}
