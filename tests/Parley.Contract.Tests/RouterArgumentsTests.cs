// Every router argument list the operator can render starts the router: rendered for routed ChatDeployments with the
// spec.router variants a user can write, then parsed by the router's own command line, whose options must carry the
// spec's settings unchanged.
using k8s.Models;
using Parley.Api;
using Parley.Api.Spec;
using Parley.Operator.Resources;
using Parley.Router;
using Parley.Router.Cli;
using Parley.Tuning;
using Parley.Tuning.Catalog;

namespace Parley.Contract.Tests;

public class RouterArgumentsTests
{
    public static TheoryData<string?, int?, string?> RouterVariants() => new()
    {
        { null, null, null },
        { "90s", 8, "2m" },
        { "1h30m", 1000, null },
        { "500ms", 1, "1ms" },
    };

    [Theory]
    [MemberData(nameof(RouterVariants))]
    public async Task TheArgumentsTheOperatorRenders_ParseInTheRouterWithTheSpecsSettings(string? holdTimeout, int? holdQueueSize, string? idle)
    {
        var spec = Defaults.Apply(new ChatDeploymentSpec
        {
            Model = new ModelSpec { Source = ModelCatalog.All[0].Id },
            Worker = new WorkerSpec { Autoscaling = new AutoscalingSpec { MinReplicas = 0, MaxReplicas = 3 } },
            Router = new RouterSpec { HoldTimeout = holdTimeout, HoldQueueSize = holdQueueSize, StreamIdleTimeout = idle },
        });
        var plan = Planner.Plan(spec, GpuInventory.Of(GpuCatalog.All[^1])).Plan!;
        var chat = new ChatDeployment { Metadata = new V1ObjectMeta { Name = "chat", NamespaceProperty = "team-a", Uid = "u-1" }, Spec = spec };
        var context = BuildContext.For(chat, plan, OperatorDefaults.Standard);
        context.IsRoutingEnabled.Should().BeTrue("autoscaling turns routing on");

        var args = RouterArgs.Build(context);
        var (exitCode, options, errors) = await ParseAsync(args);

        var what = string.Join(' ', args);
        exitCode.Should().Be(0, $"{what} failed: {errors}");
        options!.Port.Should().Be(RouterArgs.Port, what);
        options.Namespace.Should().Be("team-a", what);
        options.ChatDeployment.Should().Be("chat", what);
        options.WorkerService.Should().Be(ResourceNames.Worker(chat), what);
        options.DiscoversBackends.Should().BeTrue("a router in a pod finds its workers from EndpointSlices");
        options.HoldQueueSize.Should().Be(holdQueueSize ?? Defaults.HoldQueueSize, what);
        options.HoldTimeout.Should().Be(AtLeastOneSecond(Durations.Of(holdTimeout ?? Defaults.HoldTimeout, TimeSpan.Zero)), what);
        options.StreamIdleTimeout.Should().Be(idle is null ? TimeSpan.Zero : AtLeastOneSecond(Durations.Of(idle, TimeSpan.Zero)), what);
    }

    [Fact]
    public async Task AWrongFlag_IsRefusedByTheRouter_SoTheContractTestCanFail()
    {
        var (exitCode, _, _) = await ParseAsync(["--namespace", "a", "--hold-queue", "4"]);

        exitCode.Should().NotBe(0);
    }

    // The operator renders whole seconds, rounded up so that a short timeout never turns into "never".
    private static TimeSpan AtLeastOneSecond(TimeSpan duration) => TimeSpan.FromSeconds(Math.Ceiling(duration.TotalSeconds));

    private static async Task<(int ExitCode, RouterOptions? Options, string Errors)> ParseAsync(IReadOnlyList<string> args)
    {
        RouterOptions? parsed = null;
        using var errors = new StringWriter();
        var exitCode = await RouterCommand.InvokeAsync(args, options =>
        {
            parsed = options;
            return Task.FromResult(0);
        }, errors);
        return (exitCode, parsed, errors.ToString());
    }
}
