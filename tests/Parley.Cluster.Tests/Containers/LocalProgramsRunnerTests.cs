// Which program a container becomes on this machine, and with which arguments.
using k8s.Models;
using Parley.LocalCluster.Containers;

namespace Parley.Cluster.Tests.Containers;

public sealed class LocalProgramsRunnerTests
{
    private const string KubeApi = "http://127.0.0.1:6443";

    [Fact]
    public void WorkerArguments_ListenOnLoopbackAndTheirOwnPortOnTheCpu_WithoutTheImagesCacheFolder()
    {
        string[] rendered = ["--model", "org/name", "--revision", "main", "--download-dir", "/models", "--host", "0.0.0.0", "--port", "8000"];

        var local = LocalProgramsRunner.WorkerArguments(rendered, 41234);

        local.Should().Equal("--model", "org/name", "--revision", "main", "--host", "127.0.0.1", "--port", "41234", "--device", "cpu");
    }

    [Fact]
    public void RouterArguments_TakeTheirOwnPortAndTheInMemoryApi()
    {
        var runner = new LocalProgramsRunner(new LocalProgramsOptions { KubeApiUrl = KubeApi, Worker = null, Router = null });

        var local = runner.RouterArguments(["--namespace", "default", "--port=8000"], 41235);

        local.Should().Equal("--namespace", "default", "--port", "41235", "--kube-api", KubeApi);
    }

    [Fact]
    public void Start_OfARouterWhenNoRouterIsBuilt_SaysWhichProgramIsMissingAndWhereItLooked()
    {
        var runner = new LocalProgramsRunner(new LocalProgramsOptions { KubeApiUrl = KubeApi, Worker = null, Router = null });

        var start = () => runner.Start(Launch("router"));

        start.Should().Throw<ContainerStartException>().WithMessage("parley-router was not found*Parley.Router*dotnet build*");
    }

    [Fact]
    public void Start_OfTheUi_IsNotRunAndSaysWhy()
    {
        var runner = new LocalProgramsRunner(new LocalProgramsOptions { KubeApiUrl = KubeApi });

        runner.Start(Launch("ui")).NotRunReason.Should().Contain("Open WebUI");
    }

    [Fact]
    public void Find_TheWorkerOfThisBuild_IsNextToTheTests()
    {
        LocalExecutable.Find(LocalExecutable.Worker)!.DllPath.Should().Be(Path.Combine(AppContext.BaseDirectory, "parley-worker.dll"));
    }

    private static ContainerLaunch Launch(string component) =>
        new("default", "chat-x-0", new Dictionary<string, string> { [ContainerLaunch.ComponentLabel] = component }, new V1Container { Name = component, Args = [] }, []);
}
