// The cluster the benchmark measures: the local cluster (in-memory API, kubelet stand-in running pods as processes),
// the operator in-process, and one ChatDeployment of the demo model behind the router that scales its single worker
// to zero after a few idle seconds. Built like tests/Parley.Cluster.Tests/EndToEnd/ChatCluster.cs, from the same
// LocalClusterHost and LocalOperator, with what a timing run needs on top: the moment the cluster is back at zero.
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Api.Serialization;
using Parley.LocalCluster;
using Parley.LocalCluster.Kubelet;
using Parley.Operator.Cli;

namespace Parley.Cluster.Bench;

/// <summary>A scale-to-zero ChatDeployment on a running local cluster. Dispose it to stop every process.</summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    public const string Namespace = LocalOperator.DefaultNamespace;
    public const string Name = "cold";
    public const string WorkerDeployment = Name + "-worker";

    /// <summary>How often the operator reads the router's load: short, so the scale to zero between rounds follows
    /// scaleToZeroAfter closely (the default 5 s would add up to 5 s per round). Waking needs no reading: the
    /// operator sees the router's wake annotation through its watch.</summary>
    public static readonly TimeSpan AutoscaleInterval = TimeSpan.FromMilliseconds(500);

    private readonly LocalOperator _operator;

    private BenchCluster(LocalClusterHost cluster, LocalOperator controller)
    {
        Cluster = cluster;
        _operator = controller;
        Http = cluster.CreateServiceClient(TimeSpan.FromMinutes(2));
    }

    public LocalClusterHost Cluster { get; }

    /// <summary>Reaches <c>http://svc.ns.svc:port</c> URLs at the loopback port of a ready pod of the Service.</summary>
    public HttpClient Http { get; }

    /// <summary>The chat completions URL of the API Service, which selects the router.</summary>
    public static Uri ChatUrl => new($"http://{Name}.{Namespace}.svc:8000/v1/chat/completions");

    public AuthenticationHeaderValue Authorization => new("Bearer", LocalOperator.ApiKey(Cluster, Namespace, Name));

    /// <summary>The worker pods, running or stopping.</summary>
    public IReadOnlyList<LocalPod> Workers => Cluster.Kubelet.Pods.Where(pod => pod.Deployment == WorkerDeployment).ToList();

    /// <summary>The replicas the operator set on the worker Deployment; read from the raw object, cheap enough to poll.</summary>
    public int? WorkerReplicas => Cluster.Api.Store.Get("deployments.apps", Namespace, WorkerDeployment)?["spec"]?["replicas"]?.GetValue<int>();

    public JsonObject? ChatDeployment => Cluster.Api.Store.Get("chatdeployments.parley.dev", Namespace, Name);

    public bool IsRouterReady => Cluster.Kubelet.Pods.Any(pod => pod.Deployment == Name + "-router" && pod.State.IsReady);

    public static async Task<BenchCluster> StartAsync(TimeSpan scaleToZeroAfter)
    {
        var chat = YamlJson.ParseDocuments(ChatYaml(scaleToZeroAfter)).OfType<JsonObject>().Single();
        var cluster = await LocalClusterHost.StartAsync();
        LocalOperator.Apply(cluster, [chat]);
        var options = LocalOperator.Options(cluster) with { AutoscaleInterval = AutoscaleInterval };
        return new BenchCluster(cluster, LocalOperator.Start(cluster, NullLoggerFactory.Instance, options));
    }

    /// <summary>Waits until the worker Deployment asks for 0 replicas, no worker process is left, and the router is
    /// ready and knows no ready worker (so the next request is held, not sent to a worker on its way out).</summary>
    public async Task WaitForZeroAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (!(IsRouterReady && WorkerReplicas == 0 && Workers.Count == 0 && await ReadyWorkersAtRouterAsync() == 0))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancel.Token).ConfigureAwait(false);
        }
    }

    /// <summary>The ready workers in the router's load report; -1 while the router does not answer.</summary>
    private async Task<int> ReadyWorkersAtRouterAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://{Name}.{Namespace}.svc:8000{Parley.Api.Contracts.RouterLoad.Path}"));
        request.Headers.Authorization = Authorization;
        try
        {
            using var response = await Http.SendAsync(request).ConfigureAwait(false);
            var load = JsonNode.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
            return load?["backends"]?.AsArray().Count(backend => backend?["ready"]?.GetValue<bool>() == true) ?? -1;
        }
        catch (HttpRequestException)
        {
            return -1;
        }
    }

    /// <summary>What is running now, for the message of a wait that timed out.</summary>
    public string Describe() =>
        $"worker replicas {WorkerReplicas}; pods: {string.Join("; ", Cluster.Kubelet.Pods.Select(pod => $"{pod.Name}: {pod.State}"))}";

    // The dev demo sample (samples/dev-demo-autoscaled.yaml) cut to one worker and a short idle time: one worker is
    // what scaling from zero starts, and a short scaleToZeroAfter keeps the rounds short.
    private static string ChatYaml(TimeSpan scaleToZeroAfter) => $"""
        apiVersion: parley.dev/v1alpha1
        kind: ChatDeployment
        metadata:
          name: {Name}
        spec:
          model:
            source: demo
          worker:
            autoscaling:
              minReplicas: 0
              maxReplicas: 1
              scaleToZeroAfter: {(int)scaleToZeroAfter.TotalSeconds}s
          router:
            holdTimeout: 2m
          ui:
            enabled: false
        """;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _operator.DisposeAsync().ConfigureAwait(false);
        await Cluster.DisposeAsync().ConfigureAwait(false);
    }
}
