// Cluster DNS and kube-proxy for a local cluster: `http://<service>.<namespace>.svc:<port>` becomes the loopback
// address of one of the Service's ready endpoints, read from the EndpointSlices the local kubelet publishes. Ready
// endpoints are taken in turn, as kube-proxy spreads connections.
using System.Globalization;
using System.Text.Json.Nodes;
using Parley.LocalCluster.Api;

namespace Parley.LocalCluster.Services;

/// <summary>Resolves Service names to loopback URLs of their ready pods.</summary>
public sealed class ServiceAddresses(ObjectStore store)
{
    private const string SliceResource = "endpointslices.discovery.k8s.io";
    private int _turn;

    /// <summary>The base URL (<c>http://127.0.0.1:PORT</c>) of one ready endpoint of the Service, or null when none is ready.</summary>
    /// <param name="portName">The Service port's name; null takes the first port.</param>
    public Uri? Find(string ns, string service, string? portName = null)
    {
        var ready = store.List(SliceResource, ns)
            .Where(slice => slice["metadata"]?["labels"]?["kubernetes.io/service-name"]?.GetValue<string>() == service)
            .SelectMany(slice => Endpoints(slice, portName))
            .ToList();
        if (ready.Count == 0)
        {
            return null;
        }

        var turn = (uint)Interlocked.Increment(ref _turn);
        return ready[(int)(turn % (uint)ready.Count)];
    }

    /// <summary><paramref name="uri"/> with a Service host (<c>svc.ns.svc</c>, <c>svc.ns.svc.cluster.local</c>) replaced by a
    /// ready endpoint's loopback address; any other URI is returned as it is, and null when the Service has no ready endpoint.</summary>
    public Uri? Rewrite(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var labels = uri.Host.Split('.');
        var isService = labels.Length >= 3 && labels[2] == "svc" && (labels.Length == 3 || string.Join('.', labels[3..]) == "cluster.local");
        if (!isService)
        {
            return uri;
        }

        return Find(labels[1], labels[0]) is { } endpoint
            ? new UriBuilder(uri) { Host = endpoint.Host, Port = endpoint.Port }.Uri
            : null;
    }

    private static IEnumerable<Uri> Endpoints(JsonObject slice, string? portName)
    {
        var ports = slice["ports"]?.AsArray() ?? [];
        var port = ports.FirstOrDefault(p => portName is null || p?["name"]?.GetValue<string>() == portName)?["port"]?.GetValue<int>();
        if (port is null)
        {
            yield break;
        }

        foreach (var endpoint in slice["endpoints"]?.AsArray() ?? [])
        {
            if (endpoint?["conditions"]?["ready"]?.GetValue<bool>() == true && endpoint["addresses"]?[0]?.GetValue<string>() is { } address)
            {
                yield return new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{address}:{port}"));
            }
        }
    }
}
