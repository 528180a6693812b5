using Parley.LocalCluster.Containers;

namespace Parley.Cluster.Tests.Containers;

public sealed class CommandLineEditsTests
{
    [Fact]
    public void Set_AFlagGivenInBothForms_LeavesOnlyTheNewValue()
    {
        CommandLineEdits.Set(["--port", "1", "--x", "--port=2"], "--port", "3").Should().Equal("--x", "--port", "3");
    }

    [Fact]
    public void Set_AnAbsentFlag_AppendsIt()
    {
        CommandLineEdits.Set(["--model", "demo"], "--device", "cpu").Should().Equal("--model", "demo", "--device", "cpu");
    }

    [Fact]
    public void Get_ReadsEitherForm()
    {
        CommandLineEdits.Get(["--a", "1", "--b=2"], "--b").Should().Be("2");
        CommandLineEdits.Get(["--a", "1"], "--a").Should().Be("1");
        CommandLineEdits.Get(["--a"], "--a").Should().BeNull();
    }
}
