using Parley.Api.Contracts;
using Parley.Router.Cli;
using Parley.Router.Routing;

namespace Parley.Router.Tests.Cli;

public class RouterCommandTests
{
    private static async Task<(int Exit, RouterOptions? Options, string Errors)> ParseAsync(params string[] args)
    {
        RouterOptions? seen = null;
        using var errors = new StringWriter();
        var exit = await RouterCommand.InvokeAsync(args, options =>
        {
            seen = options;
            return Task.FromResult(0);
        }, errors);
        return (exit, seen, errors.ToString());
    }

    [Fact]
    public async Task EveryFlag_ReachesTheOptions()
    {
        var (exit, options, _) = await ParseAsync(
            RouterFlags.Port, "9000", RouterFlags.Namespace, "chat", RouterFlags.ChatDeployment, "demo", RouterFlags.WorkerService, "demo-worker",
            RouterFlags.KubeApi, "http://127.0.0.1:6443", RouterFlags.HoldQueueSize, "10", RouterFlags.HoldTimeout, "30",
            RouterFlags.StreamIdleTimeout, "120", RouterFlags.AffinityLoadFactor, "1.5", RouterFlags.Policy, "round-robin");

        exit.Should().Be(0);
        options.Should().BeEquivalentTo(new RouterOptions
        {
            Port = 9000, Namespace = "chat", ChatDeployment = "demo", WorkerService = "demo-worker", KubeApi = new Uri("http://127.0.0.1:6443"),
            HoldQueueSize = 10, HoldTimeout = TimeSpan.FromSeconds(30), StreamIdleTimeout = TimeSpan.FromSeconds(120), AffinityLoadFactor = 1.5,
            Policy = RoutingPolicy.RoundRobin, ApiKey = Environment.GetEnvironmentVariable(Parley.Api.OperatorEnvironment.ApiKey),
        });
    }

    [Fact]
    public async Task RepeatedBackends_AreFixedBackendsWithTheDefaults()
    {
        var (exit, options, _) = await ParseAsync(RouterFlags.Backend, "http://127.0.0.1:8001", RouterFlags.Backend, "http://127.0.0.1:8002");

        exit.Should().Be(0);
        options!.Backends.Should().Equal(new Uri("http://127.0.0.1:8001"), new Uri("http://127.0.0.1:8002"));
        options.DiscoversBackends.Should().BeFalse();
        options.Port.Should().Be(RouterFlags.DefaultPort);
        options.Policy.Should().Be(RoutingPolicy.Affinity);
        options.HoldQueueSize.Should().Be(256);
        options.HoldTimeout.Should().Be(TimeSpan.FromSeconds(600));
        options.AffinityLoadFactor.Should().Be(1.25);
    }

    [Theory]
    [InlineData(new[] { "--namespace", "chat", "--chat-deployment", "demo" }, "--worker-service")]
    [InlineData(new[] { "--backend", "http://a:1", "--policy", "random" }, "random")]
    [InlineData(new[] { "--backend", "http://a:1", "--affinity-load-factor", "0.5" }, "--affinity-load-factor")]
    [InlineData(new[] { "--backend", "not a url" }, "--backend")]
    [InlineData(new[] { "--backend", "http://a:1", "--hold-timeout", "99999999" }, "--hold-timeout")]
    [InlineData(new[] { "--backend", "http://a:1", "--unknown" }, "--unknown")]
    public async Task ACommandLineItCannotServe_ExitsTwoNamingTheProblem(string[] args, string named)
    {
        var (exit, options, errors) = await ParseAsync(args);

        exit.Should().Be(RouterCommand.UsageError);
        options.Should().BeNull();
        errors.Should().Contain(named);
    }
}
