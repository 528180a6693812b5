// The kubelet stand-in with real parley-worker processes serving the built-in demo model: scale up, scale down,
// delete, and a worker that dies.
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using Parley.LocalCluster;
using Parley.LocalCluster.Kubelet;

namespace Parley.Cluster.Tests.Kubelet;

public sealed class LocalKubeletTests : IAsyncLifetime
{
    private static readonly LocalClusterOptions FastRestarts = new()
    {
        Kubelet = new LocalKubeletOptions { RestartBackoff = TimeSpan.FromMilliseconds(50), MaxRestartBackoff = TimeSpan.FromMilliseconds(200) },
    };

    private LocalClusterHost _cluster = null!;

    public async Task InitializeAsync() => _cluster = await LocalClusterHost.StartAsync(FastRestarts);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Deployment_WithTwoReplicas_RunsTwoReadyWorkersBehindSlicesWithTheirOwnPorts()
    {
        WorkerObjects.Create(_cluster.Api.Store, replicas: 2);

        await Eventually.HoldsAsync(() => ReadyPods().Count == 2 && ReadySlicePorts().Count == 2, Describe);

        ReadySlicePorts().Should().OnlyHaveUniqueItems().And.BeEquivalentTo(_cluster.Kubelet.Pods.Select(pod => pod.State.Port!.Value));
        var deployment = _cluster.Api.Store.Get<V1Deployment>(WorkerObjects.Namespace, WorkerObjects.Name)!;
        deployment.Status.Should().BeEquivalentTo(new { Replicas = 2, ReadyReplicas = 2, AvailableReplicas = 2, UpdatedReplicas = 2, ObservedGeneration = deployment.Metadata.Generation });
        var pod = ReadyPods()[0];
        pod.Spec.NodeName.Should().Be(LocalNode.DefaultName);
        pod.Status.PodIP.Should().Be("127.0.0.1");
        pod.Metadata.OwnerReferences.Should().ContainSingle(owner => owner.Kind == "Deployment" && owner.Name == WorkerObjects.Name);
        (await ChatThroughServiceAsync()).Should().Be(4, "the Service resolves to a ready worker, which takes the Secret's API key");
    }

    [Fact]
    public async Task ReadyWorker_RecordsWhenItsProcessStartedAndWhenItFirstAnsweredHealth()
    {
        var before = DateTime.UtcNow;
        WorkerObjects.Create(_cluster.Api.Store, replicas: 1);

        await Eventually.HoldsAsync(() => ReadyPods().Count == 1, Describe);

        var state = _cluster.Kubelet.Pods.Single().State;
        state.StartedAt.Should().BeAfter(before);
        state.ReadySince.Should().BeOnOrAfter(state.StartedAt!.Value, "a process answers /health only once it runs").And.BeOnOrBefore(DateTime.UtcNow);
    }

    [Fact]
    public async Task ScaleDown_ToOne_StopsOneProcessAndRemovesItsSlice()
    {
        WorkerObjects.Create(_cluster.Api.Store, replicas: 2);
        await Eventually.HoldsAsync(() => ReadyPods().Count == 2 && ReadySlicePorts().Count == 2, Describe);
        var processes = RunningProcessIds();

        WorkerObjects.Scale(_cluster.Api.Store, 1);

        await Eventually.HoldsAsync(() => Slices().Count == 1 && _cluster.Kubelet.Pods.Count == 1 && Pods().Count == 1, Describe);
        processes.Count(IsAlive).Should().Be(1);
        _cluster.Api.Store.Get<V1Deployment>(WorkerObjects.Namespace, WorkerObjects.Name)!.Status.Replicas.Should().Be(1);
        (await ChatThroughServiceAsync()).Should().Be(4);
    }

    [Fact]
    public async Task DeletingTheDeployment_StopsEveryProcessAndRemovesPodsAndSlices()
    {
        WorkerObjects.Create(_cluster.Api.Store, replicas: 2);
        await Eventually.HoldsAsync(() => ReadyPods().Count == 2, Describe);
        var processes = RunningProcessIds();

        _cluster.Api.Store.Delete("deployments.apps", WorkerObjects.Namespace, WorkerObjects.Name);

        await Eventually.HoldsAsync(() => _cluster.Kubelet.Pods.Count == 0 && Pods().Count == 0 && Slices().Count == 0, Describe);
        processes.Should().HaveCount(2);
        processes.Where(IsAlive).Should().BeEmpty();
    }

    [Fact]
    public async Task KilledWorker_IsRestartedAndItsPodShowsTheRestartAndExitCode()
    {
        WorkerObjects.Create(_cluster.Api.Store, replicas: 1);
        await Eventually.HoldsAsync(() => ReadyPods().Count == 1, Describe);
        var killed = RunningProcessIds().Single();

        Process.GetProcessById(killed).Kill();

        await Eventually.HoldsAsync(() => ReadyPods() is [{ Status.ContainerStatuses: [{ RestartCount: 1 }] }], Describe);
        var status = ReadyPods()[0].Status.ContainerStatuses[0];
        status.LastState.Terminated.Should().BeEquivalentTo(new { ExitCode = 137, Reason = "Error" }, "SIGKILL ends a process with 128 + 9");
        RunningProcessIds().Should().ContainSingle().Which.Should().NotBe(killed);
        (await ChatThroughServiceAsync()).Should().Be(4);
    }

    [Fact]
    public async Task WorkerThatFailsAtStart_ShowsItsErrorAsTheTerminationMessage()
    {
        WorkerObjects.Create(_cluster.Api.Store, replicas: 1);
        _cluster.Api.Store.Update("deployments.apps", WorkerObjects.Namespace, WorkerObjects.Name,
            deployment => deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["args"] = new JsonArray("--model", "demo", "--max-model-len", "0"));

        await Eventually.HoldsAsync(() => Pods() is [{ Status.ContainerStatuses: [{ RestartCount: >= 2 }] }], Describe);
        var status = Pods()[0].Status.ContainerStatuses[0];
        status.LastState.Terminated.ExitCode.Should().NotBe(0);
        status.LastState.Terminated.Message.Should().Contain("--max-model-len must be at least 1");
        status.Ready.Should().BeFalse();
    }

    [Fact]
    public async Task ChatTemplateOnAConfigMapVolume_IsReadFromTheVolumesLocalFolder()
    {
        const string template = "0123456789"; // ten byte tokens in the demo's byte-level vocabulary, whatever the messages
        WorkerObjects.Create(_cluster.Api.Store, replicas: 1);
        _cluster.Api.Store.Upsert(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "chat-template", NamespaceProperty = WorkerObjects.Namespace }, Data = new Dictionary<string, string> { ["chat_template.jinja"] = template } });
        _cluster.Api.Store.Update("deployments.apps", WorkerObjects.Namespace, WorkerObjects.Name, deployment =>
        {
            var spec = deployment["spec"]!["template"]!["spec"]!;
            spec["volumes"] = JsonNode.Parse("""[{ "name": "chat-template", "configMap": { "name": "chat-template" } }]""");
            var container = spec["containers"]![0]!;
            container["volumeMounts"] = JsonNode.Parse("""[{ "name": "chat-template", "mountPath": "/etc/parley/chat-template", "readOnly": true }]""");
            container["args"]!.AsArray().Add("--chat-template");
            container["args"]!.AsArray().Add("/etc/parley/chat-template/chat_template.jinja");
        });

        await Eventually.HoldsAsync(() => ReadyPods() is [{ Spec.Volumes.Count: 1 }], Describe);

        (await ChatThroughServiceAsync(body => body["usage"]!["prompt_tokens"]!.GetValue<int>())).Should().Be(template.Length);
    }

    private List<V1Pod> Pods() =>
        _cluster.Api.Store.List("pods", WorkerObjects.Namespace).Select(json => k8s.KubernetesJson.Deserialize<V1Pod>(json.ToJsonString())).ToList();

    private List<V1Pod> ReadyPods() =>
        Pods().Where(pod => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true).ToList();

    private List<JsonObject> Slices() => [.. _cluster.Api.Store.List("endpointslices.discovery.k8s.io", WorkerObjects.Namespace)];

    private List<int> ReadySlicePorts() =>
        Slices().Where(slice => slice["endpoints"]![0]!["conditions"]!["ready"]!.GetValue<bool>()).Select(slice => slice["ports"]![0]!["port"]!.GetValue<int>()).ToList();

    private List<int> RunningProcessIds() => _cluster.Kubelet.Pods.Select(pod => pod.ProcessId).OfType<int>().ToList();

    private static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The completion tokens of a 4-token answer: the demo model's random bytes may decode to no text at all
    /// (an unfinished UTF-8 sequence), so the count, with ignore_eos, is what proves an answer.</summary>
    private Task<int> ChatThroughServiceAsync() =>
        ChatThroughServiceAsync(body => body["usage"]!["completion_tokens"]!.GetValue<int>());

    private async Task<T> ChatThroughServiceAsync<T>(Func<JsonNode, T> read)
    {
        using var http = _cluster.CreateServiceClient(TimeSpan.FromSeconds(60));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://{WorkerObjects.Name}.{WorkerObjects.Namespace}.svc:8000/v1/chat/completions"))
        {
            Content = JsonContent.Create(new { model = "demo", messages = new[] { new { role = "user", content = "hello" } }, max_tokens = 4, ignore_eos = true }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", WorkerObjects.ApiKey);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue(body);
        return read(JsonNode.Parse(body)!);
    }

    private string Describe() =>
        string.Join("; ", _cluster.Kubelet.Pods.Select(pod => $"{pod.Name}: {pod.State}")) + $" | slices: {string.Join(", ", Slices().Select(s => s.ToJsonString()))}";
}
