using k8s.Models;
using Parley.Router.Backends;

namespace Parley.Router.Tests.Backends;

public class EndpointSliceBackendsTests
{
    private static V1Endpoint Endpoint(string ip, bool? ready = true, bool? terminating = null, string? pod = null) => new()
    {
        Addresses = [ip],
        Conditions = ready is null && terminating is null ? null : new V1EndpointConditions { Ready = ready, Terminating = terminating },
        TargetRef = pod is null ? null : new V1ObjectReference { Kind = "Pod", Name = pod },
    };

    private static V1EndpointSlice Slice(string name, IList<Discoveryv1EndpointPort> ports, params V1Endpoint[] endpoints) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        AddressType = "IPv4",
        Ports = ports,
        Endpoints = endpoints,
    };

    private static Discoveryv1EndpointPort Port(int port, string? name = "http") => new() { Name = name, Port = port, Protocol = "TCP" };

    [Fact]
    public void From_ReadyEndpoints_AreReadyBackendsWithTheirPod()
    {
        var backends = EndpointSliceBackends.From([Slice("a", [Port(8000)], Endpoint("10.0.0.1", pod: "worker-0"))]);

        backends.Should().Equal(new BackendEndpoint("10.0.0.1:8000", "worker-0", IsReady: true));
    }

    [Theory]
    [InlineData(true, null, true)]
    [InlineData(null, null, true)]    // nil ready counts as ready (discovery/v1)
    [InlineData(false, null, false)]
    [InlineData(true, true, false)]   // terminating endpoints take no new requests
    [InlineData(true, false, true)]
    public void From_Conditions_DecideReadiness(bool? ready, bool? terminating, bool expected) =>
        EndpointSliceBackends.From([Slice("a", [Port(8000)], Endpoint("10.0.0.1", ready, terminating))]).Single().IsReady.Should().Be(expected);

    [Fact]
    public void From_EachSlice_UsesItsOwnPort()
    {
        var backends = EndpointSliceBackends.From(
        [
            Slice("a", [Port(9100, "metrics"), Port(8000)], Endpoint("10.0.0.1")),
            Slice("b", [Port(8001)], Endpoint("10.0.0.2")),
        ]);

        backends.Select(b => b.Address).Should().Equal("10.0.0.1:8000", "10.0.0.2:8001");
    }

    [Fact]
    public void From_SliceWithoutAnHttpPort_UsesItsFirstPort() =>
        EndpointSliceBackends.From([Slice("a", [Port(7000, "api"), Port(7001, "other")], Endpoint("10.0.0.1"))]).Single().Address.Should().Be("10.0.0.1:7000");

    [Fact]
    public void From_SliceWithoutPorts_OrEndpointWithoutAddresses_GivesNothing() =>
        EndpointSliceBackends.From(
        [
            Slice("a", [], Endpoint("10.0.0.1")),
            Slice("b", [Port(8000)], new V1Endpoint { Addresses = [] }),
        ]).Should().BeEmpty();

    [Fact]
    public void From_AnEndpointInTwoSlices_IsOneBackendReadyWhenEitherSaysSo() =>
        EndpointSliceBackends.From(
        [
            Slice("old", [Port(8000)], Endpoint("10.0.0.1", ready: false)),
            Slice("new", [Port(8000)], Endpoint("10.0.0.1", ready: true)),
        ]).Should().ContainSingle().Which.IsReady.Should().BeTrue();

    [Fact]
    public void From_IPv6Addresses_AreBracketed()
    {
        var slice = Slice("a", [Port(8000)], Endpoint("fd00::1"));
        slice.AddressType = "IPv6";
        EndpointSliceBackends.From([slice]).Single().Address.Should().Be("[fd00::1]:8000");
    }
}
