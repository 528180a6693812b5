// The cluster the benchmark measures: the end-to-end tests' LocalChatCluster (in-memory API, kubelet stand-in running
// pods as processes, the operator in-process) with one ChatDeployment of the demo model behind the router that scales
// its single worker to zero after a few idle seconds, and what a timing run needs on top: the moment it is back at zero.
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Parley.Operator.Cli;
using Parley.LocalCluster.Kubelet;
using Parley.Testing.Operator;

namespace Parley.Cluster.Bench;

/// <summary>A scale-to-zero ChatDeployment on a running local cluster. Dispose it to stop every process.</summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    public const string Namespace = LocalOperator.DefaultNamespace;
    public const string Name = "cold";

    /// <summary>How often the operator reads the router's load: short, so the scale to zero between rounds follows
    /// scaleToZeroAfter closely (the default 5 s would add up to 5 s per round). Waking needs no reading: the
    /// operator sees the router's wake annotation through its watch.</summary>
    public static readonly TimeSpan AutoscaleInterval = TimeSpan.FromMilliseconds(500);

    private readonly LocalChatCluster _chat;

    private BenchCluster(LocalChatCluster chat) => _chat = chat;

    /// <summary>Reaches <c>http://svc.ns.svc:port</c> URLs at the loopback port of a ready pod of the Service.</summary>
    public HttpClient Http => _chat.Http;

    /// <summary>The chat completions URL of the API Service, which selects the router.</summary>
    public static Uri ChatUrl => new($"http://{Name}.{Namespace}.svc:8000/v1/chat/completions");

    public AuthenticationHeaderValue Authorization => _chat.Authorization;

    /// <summary>The worker pods, running or stopping.</summary>
    public IReadOnlyList<LocalPod> Workers => _chat.Workers;

    /// <summary>The replicas the operator set on the worker Deployment.</summary>
    public int? WorkerReplicas => _chat.WorkerReplicas;

    public JsonObject? ChatDeployment => _chat.ChatDeployment;

    public static async Task<BenchCluster> StartAsync(TimeSpan scaleToZeroAfter) =>
        new(await LocalChatCluster.StartAsync(ChatYaml(scaleToZeroAfter), AutoscaleInterval, TimeSpan.FromMinutes(2)).ConfigureAwait(false));

    /// <summary>Waits until the worker Deployment asks for 0 replicas, no worker process is left, and the router is
    /// ready and knows no ready worker (so the next request is held, not sent to a worker on its way out).</summary>
    public async Task WaitForZeroAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (!(_chat.RouterIsReady && WorkerReplicas == 0 && Workers.Count == 0 && await _chat.RouterLoadAsync().ConfigureAwait(false) is { } load
            && load["backends"]?.AsArray().Count(backend => backend?["ready"]?.GetValue<bool>() == true) == 0))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancel.Token).ConfigureAwait(false);
        }
    }

    /// <summary>What is running now, for the message of a wait that timed out.</summary>
    public string Describe() => $"worker replicas {WorkerReplicas}; {_chat.Describe()}";

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

    public ValueTask DisposeAsync() => _chat.DisposeAsync();
}
