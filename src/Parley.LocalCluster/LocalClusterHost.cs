// A whole cluster on one machine: the in-memory API server, the nodes, and the kubelet stand-in running pods as local
// processes, plus Service addressing for callers outside it. `parley-operator dev` puts an operator on top; the cluster
// tests drive it directly.
using System.Text.Json.Nodes;
using Parley.LocalCluster.Api;
using Parley.LocalCluster.Containers;
using Parley.LocalCluster.Kubelet;
using Parley.LocalCluster.Services;

namespace Parley.LocalCluster;

/// <summary>Options of <see cref="LocalClusterHost"/>.</summary>
public sealed record LocalClusterOptions
{
    /// <summary>The Node objects to create; empty for <see cref="LocalNode.Default"/>. Pods are bound to the first.</summary>
    public IReadOnlyList<JsonObject> Nodes { get; init; } = [];

    public LocalKubeletOptions Kubelet { get; init; } = new();

    /// <summary>Makes the container runner from the API's URL; null runs Parley's programs (<see cref="LocalProgramsRunner"/>).</summary>
    public Func<string, IContainerRunner>? Runner { get; init; }

    /// <summary>Receives each line a container writes, with its pod's name.</summary>
    public Action<string, string>? ContainerLog { get; init; }
}

/// <summary>A running local cluster. Dispose it to stop every pod's process and the API server.</summary>
public sealed class LocalClusterHost : IAsyncDisposable
{
    private LocalClusterHost(InMemoryKubernetesApi api, LocalKubelet kubelet)
    {
        Api = api;
        Kubelet = kubelet;
        Services = new ServiceAddresses(api.Store);
    }

    public InMemoryKubernetesApi Api { get; }
    public LocalKubelet Kubelet { get; }
    public ServiceAddresses Services { get; }

    public static async Task<LocalClusterHost> StartAsync(LocalClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalClusterOptions();
        var api = await InMemoryKubernetesApi.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var nodes = options.Nodes.Count > 0 ? options.Nodes : [LocalNode.Default()];
        foreach (var node in nodes)
        {
            api.Store.Upsert("nodes", node);
        }

        var runner = options.Runner?.Invoke(api.Url) ?? new LocalProgramsRunner(new LocalProgramsOptions { KubeApiUrl = api.Url, Log = options.ContainerLog });
        var kubeletOptions = options.Kubelet with { NodeName = nodes[0].Name() };
        var kubelet = new LocalKubelet(api.Store, runner, kubeletOptions);
        kubelet.Start();
        return new LocalClusterHost(api, kubelet);
    }

    /// <summary>An HttpClient that reaches <c>http://svc.ns.svc:port</c> URLs at a ready pod of the Service. The caller disposes it.</summary>
    public HttpClient CreateServiceClient(TimeSpan? timeout = null) =>
        new(new ServiceRoutingHandler(Services)) { Timeout = timeout ?? TimeSpan.FromSeconds(100) };

    public async ValueTask DisposeAsync()
    {
        await Kubelet.DisposeAsync().ConfigureAwait(false);
        await Api.DisposeAsync().ConfigureAwait(false);
    }
}
