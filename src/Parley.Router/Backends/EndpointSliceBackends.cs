// EndpointSlices -> backends, as kube-proxy reads them: an endpoint serves when conditions.ready is true or absent (the
// API says nil means ready) and conditions.terminating is not true. Ports are per slice, so two slices of one Service may
// carry different port numbers for the same name; each endpoint takes its own slice's port named "http", or the first.
using k8s.Models;

namespace Parley.Router.Backends;

/// <summary>Maps EndpointSlices to backend endpoints.</summary>
public static class EndpointSliceBackends
{
    /// <summary>The port name the operator gives the worker Service's port.</summary>
    public const string PortName = "http";

    /// <summary>Every endpoint of <paramref name="slices"/> with an address and a port, de-duplicated by address (an
    /// endpoint in two slices during a handover is ready when either says so).</summary>
    public static IReadOnlyList<BackendEndpoint> From(IEnumerable<V1EndpointSlice> slices)
    {
        ArgumentNullException.ThrowIfNull(slices);
        var byAddress = new Dictionary<string, BackendEndpoint>(StringComparer.Ordinal);
        foreach (var slice in slices)
        {
            if (PortOf(slice) is not { } port)
            {
                continue;
            }

            foreach (var endpoint in slice.Endpoints ?? [])
            {
                if (endpoint.Addresses is not { Count: > 0 } addresses)
                {
                    continue;
                }

                var address = $"{Host(addresses[0], slice.AddressType)}:{port}";
                var backend = new BackendEndpoint(address, endpoint.TargetRef?.Kind == "Pod" ? endpoint.TargetRef.Name : null, IsServing(endpoint));
                if (!byAddress.TryGetValue(address, out var known) || (!known.IsReady && backend.IsReady))
                {
                    byAddress[address] = backend;
                }
            }
        }

        return [.. byAddress.Values.OrderBy(b => b.Address, StringComparer.Ordinal)];
    }

    /// <summary>Ready (nil counts as ready) and not terminating.</summary>
    public static bool IsServing(V1Endpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.Conditions?.Ready is null or true && endpoint.Conditions?.Terminating is not true;
    }

    private static int? PortOf(V1EndpointSlice slice)
    {
        var ports = slice.Ports ?? [];
        var port = ports.FirstOrDefault(p => p.Name == PortName) ?? ports.FirstOrDefault();
        return port?.Port;
    }

    private static string Host(string address, string? addressType) =>
        addressType == "IPv6" && !address.StartsWith('[') ? $"[{address}]" : address;
}
