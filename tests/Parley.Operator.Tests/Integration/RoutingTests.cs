using System.Text.Json.Nodes;
using k8s.Models;
using Parley.Api;
using Parley.Api.Spec;

namespace Parley.Operator.Tests.Integration;

/// <summary>The router objects against the in-memory API: made when routing is on, the UI and status pointed at them,
/// removed when routing is turned off.</summary>
public class RoutingTests
{
    private const string Ns = "team-a";
    private const string RouterApiUrl = "http://r1.team-a.svc:8000/v1";
    private const string WorkerApiUrl = "http://r1-worker.team-a.svc:8000/v1";

    private static ChatDeployment Routed() => new()
    {
        Metadata = new V1ObjectMeta { Name = "r1", NamespaceProperty = Ns },
        Spec = new ChatDeploymentSpec
        {
            Model = new ModelSpec { Source = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B" },
            Router = new RouterSpec { Enabled = true },
        },
    };

    private static string? UiBaseUrl(OperatorHarness harness) =>
        harness.Api.Store.Get<V1Deployment>(Ns, "r1-ui")?.Spec.Template.Spec.Containers[0].Env.First(e => e.Name == "OPENAI_API_BASE_URL").Value;

    [Fact]
    public async Task RoutingOn_MakesTheRouterObjects_AndPointsTheUiAndStatusAtTheRouter()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml");
        await harness.ApplyAsync(Routed());

        var router = await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1Deployment>(Ns, "r1-router"), _ => true, "the router Deployment");
        await OperatorHarness.EventuallyAsync(() => UiBaseUrl(harness), url => url == RouterApiUrl, "the UI pointed at the router");
        var chat = await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Endpoints is not null, "status.endpoints");

        chat.Status!.Endpoints!.Api.Should().Be(RouterApiUrl);
        router.Spec.Template.Spec.ServiceAccountName.Should().Be("r1-router");
        harness.Api.Store.Get<V1Service>(Ns, "r1")!.Spec.Selector.Should().Contain("app.kubernetes.io/component", "router");
        harness.Api.Store.Get<V1Service>(Ns, "r1-worker").Should().NotBeNull("the router discovers workers through its EndpointSlices");
        harness.Api.Store.Get<V1ServiceAccount>(Ns, "r1-router").Should().NotBeNull();
        harness.Api.Store.Get<V1Role>(Ns, "r1-router")!.Rules.Should().HaveCount(2);
        harness.Api.Store.Get<V1RoleBinding>(Ns, "r1-router")!.Subjects.Single().Name.Should().Be("r1-router");
    }

    [Fact]
    public async Task RoutingTurnedOff_RemovesTheRouterObjects_AndPointsTheUiBackAtTheWorker()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml");
        await harness.ApplyAsync(Routed());
        await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1RoleBinding>(Ns, "r1-router"), _ => true, "the router's RoleBinding");

        harness.Api.Store.Update(ChatDeployment.Plural, Ns, "r1", c => c["spec"]!["router"] = new JsonObject { ["enabled"] = false });

        await OperatorHarness.EventuallyAsync(() => UiBaseUrl(harness), url => url == WorkerApiUrl, "the UI pointed at the worker");
        await OperatorHarness.EventuallyAsync(() => (object?)(
            harness.Api.Store.Get<V1Deployment>(Ns, "r1-router") is null && harness.Api.Store.Get<V1Service>(Ns, "r1") is null
            && harness.Api.Store.Get<V1ServiceAccount>(Ns, "r1-router") is null && harness.Api.Store.Get<V1Role>(Ns, "r1-router") is null
            && harness.Api.Store.Get<V1RoleBinding>(Ns, "r1-router") is null ? "gone" : null), _ => true, "every router object to go");
        harness.Api.Store.Get<V1Deployment>(Ns, "r1-worker").Should().NotBeNull();
        (await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Endpoints?.Api == WorkerApiUrl, "status.endpoints.api"))
            .Status!.Endpoints!.Api.Should().Be(WorkerApiUrl);
    }
}
