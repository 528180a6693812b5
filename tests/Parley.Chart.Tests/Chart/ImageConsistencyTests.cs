using System.Text.RegularExpressions;
using Parley.Operator.Resources;
using Parley.Testing;

namespace Parley.Chart.Tests.Chart;

/// <summary>The images cannot be built here; these checks keep the Dockerfiles, the chart and the operator's defaults
/// naming the same things.</summary>
public partial class ImageConsistencyTests
{
    private static string Read(string path) => File.ReadAllText(RepositoryPaths.Of(path));

    [Fact]
    public void OperatorImage_RunsTheOperatorAsTheUserTheChartRequires()
    {
        var dockerfile = Read("src/Parley.Operator/Dockerfile");
        var pod = RenderedChart.Render().Operator.Spec.Template.Spec;

        dockerfile.Should().Contain("ENTRYPOINT [\"dotnet\", \"/app/parley-operator.dll\"]");
        Regex.Match(dockerfile, @"^USER (\d+)$", RegexOptions.Multiline).Groups[1].Value.Should().Be(pod.SecurityContext.RunAsUser.ToString());
        pod.Containers.Single().Args[0].Should().Be("run");
    }

    [Fact]
    public void WorkerImage_RunsTheWorkerAsTheUserTheOperatorRequires()
    {
        var dockerfile = Read("worker/Parley.Worker/Dockerfile");
        var chat = TestChats.Sample("deepseek-r1-qwen-1.5b.yaml");
        var pod = WorkerDeployment.Build(TestChats.Context(chat)).Spec.Template.Spec;

        dockerfile.Should().Contain("ENTRYPOINT [\"dotnet\", \"/app/parley-worker.dll\"]").And.MatchRegex(@"FROM nvidia/cuda:[\d.]+-runtime-");
        Regex.Match(dockerfile, @"^USER (\d+):(\d+)$", RegexOptions.Multiline).Groups[1].Value.Should().Be(pod.SecurityContext.RunAsUser.ToString());
        pod.Containers.Single().Command.Should().BeNull("the image's entry point starts the worker");
    }

    [Fact]
    public void Dockerfiles_PinEveryBaseImageToAPatchVersion()
    {
        foreach (var path in new[] { "src/Parley.Operator/Dockerfile", "worker/Parley.Worker/Dockerfile" })
        {
            foreach (Match from in FromLine().Matches(Read(path)))
            {
                from.Groups["tag"].Value.Should().MatchRegex(@"^\d+\.\d+\.\d+", $"{path}: {from.Value} is pinned");
            }
        }
    }

    [Fact]
    public void ReleaseWorkflow_PushesTheImagesTheChartAndTheOperatorName()
    {
        var workflow = Read(".github/workflows/release.yml");
        var chart = RenderedChart.Render();

        chart.OperatorContainer.Image.Should().StartWith("ghcr.io/parley-dev/parley-operator:");
        OperatorDefaults.DefaultWorkerImage.Should().StartWith("ghcr.io/parley-dev/parley-worker:");
        workflow.Should().Contain("name: parley-operator").And.Contain("dockerfile: src/Parley.Operator/Dockerfile")
            .And.Contain("name: parley-worker").And.Contain("dockerfile: worker/Parley.Worker/Dockerfile")
            .And.Contain("REGISTRY: ghcr.io/parley-dev").And.Contain("helm package charts/parley");
    }

    [GeneratedRegex(@"^FROM (?:--platform=\S+ )?(?<image>[^:\s]+):(?<tag>\S+)", RegexOptions.Multiline)]
    private static partial Regex FromLine();
}
