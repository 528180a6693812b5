namespace Parley.Chart.Tests.Chart;

public class ChartValuesSchemaTests
{
    public static TheoryData<string, string> BadValues() => new()
    {
        { "replicaCount=two", "replicaCount" },
        { "operator.leaderElection=maybe", "leaderElection" },
        { "port=70000", "port" },
        { "image.pullPolicy=Sometimes", "pullPolicy" },
        { "metrics.serviceMonitor.enabeld=true", "enabeld" },
        { "dashboards.labl=grafana", "labl" },
        { "replicas=2", "replicas" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Template_WithAWrongTypeOrUnknownKey_FailsNamingIt(string set, string named)
    {
        var result = Helm.Template("--set", set);

        result.ExitCode.Should().NotBe(0, $"--set {set} must be refused");
        result.Error.Should().Contain(named);
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Lint_WithAWrongTypeOrUnknownKey_Fails(string set, string named)
    {
        var result = Helm.Run("lint", Helm.ChartFolder, "--set", set);

        result.ExitCode.Should().NotBe(0, $"--set {set} must be refused");
        (result.Output + result.Error).Should().Contain(named);
    }

    [Fact]
    public void Template_TwoReplicasWithoutLeaderElection_IsRefused()
    {
        var result = Helm.Template("--set", "replicaCount=2", "--set", "operator.leaderElection=false");

        result.ExitCode.Should().NotBe(0);
        result.Error.Should().Contain("operator.leaderElection: true");
    }

    [Fact]
    public void Template_NoServiceAccountCreatedAndNoName_IsRefused()
    {
        var result = Helm.Template("--set", "serviceAccount.create=false");

        result.ExitCode.Should().NotBe(0);
        result.Error.Should().Contain("serviceAccount.name");
    }
}
