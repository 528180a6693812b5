// This operator, in-process, on a local cluster: what `dev` runs and what the cluster tests drive. Leader election is
// off (one instance), and the operator reaches pods at the loopback port the local kubelet gave each of them.
using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Parley.Api.Schema;
using Parley.Api.Serialization;
using Parley.LocalCluster;
using Parley.LocalCluster.Kubelet;
using Parley.Operator.Metrics;
using Parley.Operator.Resources;
using Parley.Operator.Runtime;

namespace Parley.Operator.Cli;

/// <summary>An operator running against a <see cref="LocalClusterHost"/> until disposed.</summary>
public sealed class LocalOperator : IAsyncDisposable
{
    public const string DefaultNamespace = "default";

    private readonly CancellationTokenSource _stopping;
    private readonly OperatorHost _host;
    private readonly k8s.Kubernetes _client;
    private readonly Task _run;

    private LocalOperator(CancellationTokenSource stopping, OperatorHost host, k8s.Kubernetes client, Task run) =>
        (_stopping, _host, _client, _run) = (stopping, host, client, run);

    /// <summary>The controller options of <paramref name="cluster"/>: one instance, pods reached at their loopback ports, and
    /// Services (the router's load report) at a ready pod's port.</summary>
    public static ControllerOptions Options(LocalClusterHost cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return new()
        {
            LeaderElection = false,
            Workers = 2,
            PodAddress = PodManifest.Address,
            ServiceAddress = (ns, service, port) => cluster.Services.Find(ns, service) ?? Autoscaling.ServiceAddresses.ClusterDns(ns, service, port),
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        };
    }

    /// <summary>Starts the operator; <paramref name="options"/> defaults to <see cref="Options(LocalClusterHost)"/>.</summary>
    public static LocalOperator Start(LocalClusterHost cluster, ILoggerFactory loggers, ControllerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var client = cluster.Api.CreateClient();
        var host = new OperatorHost(client, options ?? Options(cluster), loggers, new OperatorMetrics(), TimeProvider.System);
        var stopping = new CancellationTokenSource();
        return new LocalOperator(stopping, host, client, host.RunAsync(stopping.Token));
    }

    /// <summary>Installs the CRD and creates (or replaces) <paramref name="chats"/>, in <see cref="DefaultNamespace"/> unless they name one.</summary>
    public static void Apply(LocalClusterHost cluster, IEnumerable<JsonObject> chats)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(chats);
        cluster.Api.Store.Upsert("customresourcedefinitions.apiextensions.k8s.io", Manifests.ToJson(CrdGenerator.Generate()).AsObject());
        foreach (var chat in chats)
        {
            var copy = chat.DeepClone().AsObject();
            var metadata = copy["metadata"] as JsonObject ?? [];
            metadata["namespace"] ??= DefaultNamespace;
            copy["metadata"] = metadata;
            cluster.Api.Store.Upsert("chatdeployments.parley.dev", copy);
        }
    }

    /// <summary>The key the workers require (from the Secret their environment names), or null when they require none.</summary>
    public static string? ApiKey(LocalClusterHost cluster, string ns, string name)
    {
        var worker = cluster.Api.Store.Get<V1Deployment>(ns, name + "-worker");
        return worker?.Spec.Template.Spec.Containers[0] is not { } container
            ? null
            : ContainerEnvironment.Resolve(cluster.Api.Store, ns, "", container).FirstOrDefault(pair => pair.Key == WorkerEnvironment.ApiKeyVariable).Value;
    }

    /// <summary>Completes when the operator stops (after dispose, or on a fatal error).</summary>
    public Task Running => _run;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _run.ConfigureAwait(false);
        _host.Dispose();
        _client.Dispose();
        _stopping.Dispose();
    }
}
