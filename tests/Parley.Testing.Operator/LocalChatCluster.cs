// One ChatDeployment end to end on the local cluster: the operator in-process, its pods as processes, and an HTTP
// client that carries the deployment's API key to whatever serves its API (the router's Service when routing is on,
// else the worker Service). The end-to-end tests (tests/Parley.Cluster.Tests) and the scale-from-zero benchmark
// (tests/Parley.Cluster.Bench) both stand on it.
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Api.Serialization;
using Parley.LocalCluster;
using Parley.LocalCluster.Kubelet;
using Parley.Operator.Cli;

namespace Parley.Testing.Operator;

/// <summary>A ChatDeployment on a running local cluster. Dispose it to stop every process.</summary>
public sealed class LocalChatCluster : IAsyncDisposable
{
    public const string Namespace = LocalOperator.DefaultNamespace;

    private readonly LocalOperator _operator;

    private LocalChatCluster(LocalClusterHost cluster, LocalOperator controller, string name, TimeSpan requestTimeout)
    {
        Cluster = cluster;
        _operator = controller;
        Name = name;
        Http = cluster.CreateServiceClient(requestTimeout);
    }

    public LocalClusterHost Cluster { get; }
    public string Name { get; }
    public HttpClient Http { get; }

    /// <summary>The pods of the worker Deployment, running or stopping.</summary>
    public IReadOnlyList<LocalPod> Workers => Cluster.Kubelet.Pods.Where(pod => pod.Deployment == Name + "-worker").ToList();

    /// <summary>The autoscaler's reading interval unless told otherwise: short, so scaling follows load within a second.</summary>
    public static readonly TimeSpan DefaultAutoscaleInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Starts the cluster, applies the one ChatDeployment of <paramref name="chatYaml"/> and starts the operator.</summary>
    /// <param name="autoscaleInterval">How often the operator reads the router's load; default <see cref="DefaultAutoscaleInterval"/>.</param>
    /// <param name="requestTimeout">The HTTP client's timeout; default 60 s.</param>
    public static async Task<LocalChatCluster> StartAsync(string chatYaml, TimeSpan? autoscaleInterval = null, TimeSpan? requestTimeout = null)
    {
        var chat = YamlJson.ParseDocuments(chatYaml).OfType<JsonObject>().Single();
        var cluster = await LocalClusterHost.StartAsync();
        LocalOperator.Apply(cluster, [chat]);
        var options = LocalOperator.Options(cluster) with { AutoscaleInterval = autoscaleInterval ?? DefaultAutoscaleInterval };
        return new LocalChatCluster(cluster, LocalOperator.Start(cluster, NullLoggerFactory.Instance, options), chat["metadata"]!["name"]!.GetValue<string>(),
            requestTimeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>The API key the operator generated for this ChatDeployment, as a bearer header.</summary>
    public AuthenticationHeaderValue Authorization => new("Bearer", LocalOperator.ApiKey(Cluster, Namespace, Name));

    /// <summary>The URL of the API Service (routing on) or else the worker Service, as a client inside the cluster names it.</summary>
    public Uri ApiUrl => new($"http://{(Cluster.Api.Store.Get<V1Service>(Namespace, Name) is null ? Name + "-worker" : Name)}.{Namespace}.svc:8000/v1/");

    /// <summary>Sends one chat completion; the response is returned whatever its status.</summary>
    /// <param name="ignoreEos">Keep generating past the end-of-text token (vLLM's ignore_eos): the demo model, drawing from 259
    /// tokens at random, otherwise ends a long answer after a few hundred tokens.</param>
    public async Task<HttpResponseMessage> ChatAsync(IEnumerable<(string Role, string Content)> messages, int maxTokens = 4, bool isStream = false, bool ignoreEos = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ApiUrl, "chat/completions"))
        {
            Content = JsonContent.Create(new
            {
                model = "demo",
                messages = messages.Select(m => new { role = m.Role, content = m.Content }).ToArray(),
                max_tokens = maxTokens,
                stream = isStream,
                ignore_eos = ignoreEos,
            }),
        };
        request.Headers.Authorization = Authorization;
        return await Http.SendAsync(request, isStream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead);
    }

    /// <summary>The worker's counter of finished requests, read from its /metrics at its loopback port.</summary>
    public async Task<double> FinishedRequestsAsync(LocalPod worker)
    {
        var metrics = await Http.GetStringAsync(new Uri($"http://127.0.0.1:{worker.State.Port}/metrics"));
        return metrics.Split('\n')
            .Where(line => line.StartsWith("vllm:request_success_total{", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>How many ready workers the router knows of, from its load report (it learns them from EndpointSlices, a
    /// moment after the kubelet publishes them).</summary>
    public async Task<int> WorkersReadyAtRouterAsync() =>
        (await RouterLoadAsync())?["backends"]?.AsArray().Count(backend => backend?["ready"]?.GetValue<bool>() == true) ?? 0;

    /// <summary>The router's load report, or null while no router is ready.</summary>
    public async Task<JsonNode?> RouterLoadAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://{Name}.{Namespace}.svc:8000{Parley.Api.Contracts.RouterLoad.Path}"));
        request.Headers.Authorization = Authorization;
        try
        {
            using var response = await Http.SendAsync(request);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Whether a router pod of this ChatDeployment is ready.</summary>
    public bool RouterIsReady => Cluster.Kubelet.Pods.Any(pod => pod.Deployment == Name + "-router" && pod.State.IsReady);

    /// <summary>The replicas the worker Deployment asks for (what the operator or its autoscaler set).</summary>
    public int? WorkerReplicas => Cluster.Api.Store.Get<V1Deployment>(Namespace, Name + "-worker")?.Spec.Replicas;

    public JsonObject? ChatDeployment => Cluster.Api.Store.Get("chatdeployments.parley.dev", Namespace, Name);

    /// <summary>Sends streamed chat requests one after another until <paramref name="stop"/>; failures are load too.</summary>
    public async Task KeepChattingAsync(string client, CancellationToken stop)
    {
        for (var turn = 0; !stop.IsCancellationRequested; turn++)
        {
            try
            {
                using var response = await ChatAsync([("user", $"{client} turn {turn}")], maxTokens: 64, isStream: true);
                await response.Content.ReadAsStringAsync(stop);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                // under load or stopping: keep going until told to stop
            }
        }
    }

    /// <summary>The worker the router has a request in flight on, from its load report.</summary>
    public async Task<LocalPod> WorkerRunningARequestAsync()
    {
        var load = await RouterLoadAsync();
        var pod = load?["backends"]?.AsArray().FirstOrDefault(backend => backend?["in_flight"]?.GetValue<int>() > 0)?["pod"]?.GetValue<string>();
        return Workers.SingleOrDefault(worker => worker.Name == pod)
            ?? throw new InvalidOperationException($"The router has no request in flight: {load?.ToJsonString()} | {Describe()}");
    }

    public JsonNode? Status => Cluster.Api.Store.Get("chatdeployments.parley.dev", Namespace, Name)?["status"];

    public string Describe() =>
        $"status: {Status?.ToJsonString()} | pods: {string.Join("; ", Cluster.Kubelet.Pods.Select(pod => $"{pod.Name}: {pod.State}"))}";

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _operator.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
