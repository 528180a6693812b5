namespace Parley.Worker.Tests;

public class WorkerProjectTests
{
    [Fact]
    public void WorkerAssembly_IsNamedLikeTheImageEntryPoint() =>
        typeof(Parley.Worker.Cli.WorkerCommand).Assembly.GetName().Name.Should().Be("parley-worker");
}
