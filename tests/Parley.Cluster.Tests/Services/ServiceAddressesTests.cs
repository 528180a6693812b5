// Service URLs on a local cluster, from EndpointSlices written by hand (the kubelet tests cover the ones it writes).
using System.Text.Json.Nodes;
using Parley.LocalCluster.Api;
using Parley.LocalCluster.Services;

namespace Parley.Cluster.Tests.Services;

public sealed class ServiceAddressesTests : IAsyncLifetime
{
    private InMemoryKubernetesApi _api = null!;

    public async Task InitializeAsync() => _api = await InMemoryKubernetesApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public void Rewrite_AServiceUrl_TakesAReadyEndpointsPortAndKeepsThePath()
    {
        Slice("chat-a", port: 41001, isReady: false);
        Slice("chat-b", port: 41002, isReady: true);

        new ServiceAddresses(_api.Store).Rewrite(new Uri("http://chat.default.svc.cluster.local:8000/v1/models?x=1"))
            .Should().Be(new Uri("http://127.0.0.1:41002/v1/models?x=1"));
    }

    [Fact]
    public void Find_SeveralReadyEndpoints_TakesThemInTurn()
    {
        Slice("chat-a", port: 41001, isReady: true);
        Slice("chat-b", port: 41002, isReady: true);
        var addresses = new ServiceAddresses(_api.Store);

        Enumerable.Range(0, 4).Select(_ => addresses.Find("default", "chat")!.Port).Should().BeEquivalentTo([41001, 41002, 41001, 41002]);
    }

    [Fact]
    public void Rewrite_AServiceWithoutReadyEndpoints_IsNull_AndOtherHostsStayAsTheyAre()
    {
        var addresses = new ServiceAddresses(_api.Store);

        addresses.Rewrite(new Uri("http://chat.default.svc:8000/")).Should().BeNull();
        addresses.Rewrite(new Uri("http://example.com/svc")).Should().Be(new Uri("http://example.com/svc"));
    }

    private void Slice(string name, int port, bool isReady) => _api.Store.Upsert("endpointslices.discovery.k8s.io", JsonNode.Parse($$"""
        {
          "metadata": { "name": "{{name}}", "namespace": "default", "labels": { "kubernetes.io/service-name": "chat" } },
          "addressType": "IPv4",
          "endpoints": [ { "addresses": ["127.0.0.1"], "conditions": { "ready": {{(isReady ? "true" : "false")}} } } ],
          "ports": [ { "name": "http", "port": {{port}} } ]
        }
        """)!.AsObject());
}
