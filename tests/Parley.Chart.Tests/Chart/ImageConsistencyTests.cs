using System.Text.RegularExpressions;
using System.Xml.Linq;
using Parley.Operator.Resources;
using Parley.Testing;

namespace Parley.Chart.Tests.Chart;

/// <summary>The images cannot be built here; these checks keep the Dockerfiles, the chart and the operator's defaults
/// naming the same things.</summary>
public partial class ImageConsistencyTests
{
    private static readonly string[] Dockerfiles = ["src/Parley.Operator/Dockerfile", "worker/Parley.Worker/Dockerfile", "src/Parley.Router/Dockerfile"];

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
    public void RouterImage_RunsTheRouterAsTheUserAndOnThePortTheOperatorRenders()
    {
        var dockerfile = Read("src/Parley.Router/Dockerfile");
        var pod = RouterDeployment.Build(TestChats.Context(TestChats.Sample("deepseek-r1-qwen-1.5b-autoscaled.yaml")))!.Spec.Template.Spec;
        var user = Regex.Match(dockerfile, @"^USER (\d+):(\d+)$", RegexOptions.Multiline);

        dockerfile.Should().Contain("ENTRYPOINT [\"dotnet\", \"/app/parley-router.dll\"]");
        user.Groups[1].Value.Should().Be(pod.SecurityContext.RunAsUser.ToString());
        user.Groups[2].Value.Should().Be(pod.SecurityContext.RunAsGroup.ToString());
        Regex.Match(dockerfile, @"^EXPOSE (\d+)$", RegexOptions.Multiline).Groups[1].Value.Should().Be(pod.Containers.Single().Ports.Single().ContainerPort.ToString());
        pod.Containers.Single().Command.Should().BeNull("the image's entry point starts the router");
    }

    /// <summary>A Dockerfile restores from the project files alone, so each project its app references, directly or
    /// not, must be copied before the restore or the image does not build.</summary>
    [Fact]
    public void Dockerfiles_CopyEveryReferencedProjectFileBeforeTheRestore()
    {
        foreach (var path in Dockerfiles)
        {
            var dockerfile = Read(path);
            var restore = Regex.Match(dockerfile, @"^RUN dotnet restore (\S+\.csproj)", RegexOptions.Multiline);
            restore.Success.Should().BeTrue($"{path} restores one project");
            var copiedBefore = Regex.Matches(dockerfile[..restore.Index], @"^COPY (\S+\.csproj) ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();

            copiedBefore.Should().BeEquivalentTo(ProjectClosure(restore.Groups[1].Value), $"{path} copies the project files its restore needs");
        }
    }

    [Fact]
    public void Dockerfiles_PinEveryBaseImageToAPatchVersion()
    {
        foreach (var path in Dockerfiles)
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
            .And.Contain("name: parley-router").And.Contain("dockerfile: src/Parley.Router/Dockerfile")
            .And.Contain("REGISTRY: ghcr.io/parley-dev").And.Contain("helm package charts/parley");
    }

    /// <summary>A project and every project it references, directly or not, as paths from the repository root.</summary>
    private static SortedSet<string> ProjectClosure(string project)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var next))
        {
            if (!found.Add(next))
            {
                continue;
            }

            var folder = Path.GetDirectoryName(RepositoryPaths.Of(next))!;
            foreach (var reference in XDocument.Parse(Read(next)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(folder, reference.Attribute("Include")!.Value));
                pending.Push(Path.GetRelativePath(RepositoryPaths.Of(""), full).Replace('\\', '/'));
            }
        }

        return found;
    }

    [GeneratedRegex(@"^FROM (?:--platform=\S+ )?(?<image>[^:\s]+):(?<tag>\S+)", RegexOptions.Multiline)]
    private static partial Regex FromLine();
}
