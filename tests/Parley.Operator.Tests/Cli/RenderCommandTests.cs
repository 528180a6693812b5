using Parley.Api.Serialization;
using Parley.Testing;

namespace Parley.Operator.Tests.Cli;

public class RenderCommandTests
{
    [Fact]
    public void Render_Sample_PrintsTheObjectsAndThePlanSummary()
    {
        var result = CliRunner.Run("render", "-f", RepositoryPaths.Of("samples", "deepseek-r1-qwen-1.5b.yaml"), "--nodes", RepositoryPaths.Of("samples", "nodes", "rtx3060.yaml"));

        result.ExitCode.Should().Be(0, result.Error);
        YamlJson.ParseDocuments(result.Output).Select(document => document["kind"]!.GetValue<string>()).Should().Equal(
            "Secret", "PersistentVolumeClaim", "Deployment", "Service", "NetworkPolicy", "Deployment", "Service");
        result.Error.Should().Contain("maxModelLen 58,064");
    }

    [Fact]
    public void Render_InvalidChat_NamesTheFieldAndExitsOne()
    {
        var file = WriteTemp("apiVersion: parley.dev/v1alpha1\nkind: ChatDeployment\nmetadata:\n  name: chat\nspec:\n  model:\n    source: a/b\n  worker:\n    gpu:\n      count: 2\n");

        var result = CliRunner.Run("render", "-f", file, "--nodes", RepositoryPaths.Of("samples", "nodes", "rtx3060.yaml"));

        result.ExitCode.Should().Be(1);
        result.Error.Should().Contain("spec.worker.gpu.count");
    }

    [Fact]
    public void Render_NothingFits_ExitsTwoWithTheRefusal()
    {
        var file = WriteTemp("apiVersion: parley.dev/v1alpha1\nkind: ChatDeployment\nmetadata:\n  name: big\nspec:\n  model:\n    source: deepseek-ai/DeepSeek-R1-Distill-Qwen-32B\n");

        var result = CliRunner.Run("render", "-f", file, "--nodes", RepositoryPaths.Of("samples", "nodes", "rtx3060.yaml"));

        result.ExitCode.Should().Be(2);
        result.Error.Should().Contain("InsufficientGpuMemory").And.Contain("DeepSeek-R1-Distill-Qwen-32B");
    }

    [Fact]
    public void Render_BrokenYaml_SaysWhereItBroke()
    {
        var file = WriteTemp("kind: ChatDeployment\nspec: [unclosed\n");

        var result = CliRunner.Run("render", "-f", file, "--nodes", RepositoryPaths.Of("samples", "nodes", "rtx3060.yaml"));

        result.ExitCode.Should().Be(1);
        result.Error.Should().StartWith("Cannot read input:");
    }

    [Fact]
    public void Render_ServiceMonitorCrd_AddsTheServiceMonitor()
    {
        var result = CliRunner.Run("render", "-f", RepositoryPaths.Of("samples", "llama3-8b-gptq.yaml"), "--nodes", RepositoryPaths.Of("samples", "nodes", "mixed.yaml"), "--service-monitor-crd");

        result.ExitCode.Should().Be(0, result.Error);
        YamlJson.ParseDocuments(result.Output).Should().Contain(document => document["kind"]!.GetValue<string>() == "ServiceMonitor");
    }

    private static string WriteTemp(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"parley-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, text);
        return path;
    }
}
