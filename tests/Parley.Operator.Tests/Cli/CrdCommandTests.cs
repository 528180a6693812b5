using Parley.Testing;

namespace Parley.Operator.Tests.Cli;

public class CrdCommandTests
{
    private const string CommittedCrd = "crds/parley.dev_chatdeployments.yaml";

    [Fact]
    public void Crd_CommittedFile_IsWhatTheTypesGenerate()
    {
        var result = CliRunner.Run("crd");

        result.ExitCode.Should().Be(0);
        File.ReadAllText(RepositoryPaths.Of(CommittedCrd)).Should().Be(result.Output,
            $"{CommittedCrd} must be regenerated after an API change: dotnet run --project src/Parley.Operator -- crd > {CommittedCrd}");
    }
}
