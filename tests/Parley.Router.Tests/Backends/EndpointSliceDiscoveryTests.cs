using System.Text.Json.Nodes;
using k8s.Models;
using Parley.Api.Contracts;
using Parley.Router.Tests.Hosting;
using Parley.LocalCluster.Api;

namespace Parley.Router.Tests.Backends;

public class EndpointSliceDiscoveryTests
{
    private const string Namespace = "chat";

    private static V1EndpointSlice Slice(string name, FakeUpstream worker, bool ready, string service = "demo-worker") => new()
    {
        ApiVersion = "discovery.k8s.io/v1",
        Kind = "EndpointSlice",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace, Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service } },
        AddressType = "IPv4",
        Ports = [new Discoveryv1EndpointPort { Name = "http", Port = worker.Port, Protocol = "TCP" }],
        Endpoints = [new V1Endpoint { Addresses = ["127.0.0.1"], Conditions = new V1EndpointConditions { Ready = ready }, TargetRef = new V1ObjectReference { Kind = "Pod", Name = name } }],
    };

    [Fact]
    public async Task AHeldRequest_WakesTheChatDeploymentAndIsServedWhenItsEndpointBecomesReady()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        await using var first = await FakeUpstream.AnsweringAsync("first");
        await using var second = await FakeUpstream.AnsweringAsync("second");
        await using var stranger = await FakeUpstream.AnsweringAsync("another service");
        api.Store.Upsert("chatdeployments.parley.dev", new JsonObject
        {
            ["apiVersion"] = "parley.dev/v1alpha1",
            ["kind"] = "ChatDeployment",
            ["metadata"] = new JsonObject { ["name"] = "demo", ["namespace"] = Namespace },
            ["spec"] = new JsonObject(),
        });
        api.Store.Upsert(Slice("demo-worker-a", first, ready: false));
        api.Store.Upsert(Slice("other-worker-a", stranger, ready: true, service: "other-worker"));
        await using var router = await RunningRouter.StartAsync(new RouterOptions
        {
            Namespace = Namespace, ChatDeployment = "demo", WorkerService = "demo-worker", KubeApi = new Uri(api.Url),
        });

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        var pending = router.Http.SendAsync(request);
        var load = await router.WaitForLoadAsync(l => l.Held == 1 && l.Backends.Count == 1);
        var annotation = await WaitForWakeAnnotationAsync(api);
        api.Store.Upsert(Slice("demo-worker-a", first, ready: true));
        api.Store.Upsert(Slice("demo-worker-b", second, ready: true)); // another slice, another port
        using var response = await pending;

        load.Backends.Should().ContainSingle().Which.Should().Match<BackendLoad>(b => b.Address == first.Address && !b.Ready && b.Pod == "demo-worker-a");
        DateTimeOffset.Parse(annotation, System.Globalization.CultureInfo.InvariantCulture).Offset.Should().Be(TimeSpan.Zero);
        annotation.Should().EndWith("Z");
        response.IsSuccessStatusCode.Should().BeTrue();
        var ready = await router.WaitForLoadAsync(l => l.Backends.Count == 2);
        ready.Backends.Select(b => b.Address).Should().BeEquivalentTo([first.Address, second.Address]);
        stranger.RequestCount.Should().Be(0);
    }

    private static async Task<string> WaitForWakeAnnotationAsync(InMemoryKubernetesApi api)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var chat = api.Store.Get("chatdeployments.parley.dev", Namespace, "demo");
            if (chat?["metadata"]?["annotations"]?[ScaleFromZero.WakeAnnotation]?.GetValue<string>() is { } value)
            {
                return value;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("The router never set the wake annotation.");
    }
}
