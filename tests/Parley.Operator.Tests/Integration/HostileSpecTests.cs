// ChatDeployments a tenant could write to break the operator or escape its limits. Each is checked twice: the generated
// CRD schema must refuse it where a schema can (what the API server does with the current CRD), and the operator, given
// it anyway (an older CRD, a value no schema rules out), must report it on that object alone, naming the field, while it
// goes on planning good ChatDeployments beside it.
using System.Text.Json.Nodes;
using k8s.Models;
using Parley.Api;
using Parley.Api.Serialization;
using Parley.Api.Spec;
using Parley.Testing;

namespace Parley.Operator.Tests.Integration;

/// <summary>One hostile spec.</summary>
/// <param name="Name">What it tries.</param>
/// <param name="Spec">Changes a valid spec into the hostile one.</param>
/// <param name="SchemaLocation">Where the CRD schema refuses it; null when only the operator can (no schema rule, or a
/// pattern whose end anchor .NET's regex reads differently from the API server's Go regex).</param>
/// <param name="Reason">The reason on Ready=False.</param>
/// <param name="MessageNames">What the message must name (the field, the variable, the API server's words).</param>
public sealed record HostileSpec(string Name, Action<JsonObject> Spec, string? SchemaLocation, string Reason, params string[] MessageNames)
{
    public override string ToString() => Name;
}

public class HostileSpecTests(HostileSpecTests.Cluster cluster) : IClassFixture<HostileSpecTests.Cluster>
{
    private const string Ns = "tenant";

    public static TheoryData<HostileSpec> Cases() => new(HostileSpecs.All);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileSpec_IsRefusedByTheSchemaOrReportedOnItsOwnStatus_WhileGoodOnesKeepReconciling(HostileSpec hostile)
    {
        ArgumentNullException.ThrowIfNull(hostile);
        var name = cluster.NextName("hostile");
        var manifest = Manifest(name, hostile.Spec);

        if (hostile.SchemaLocation is { } location)
        {
            CrdSchemaValidator.Errors(manifest).Should().Contain(error => error.StartsWith(location + ":", StringComparison.Ordinal),
                "the API server refuses it with the current CRD");
        }

        // As stored by an API server whose CRD is older or cannot say it.
        cluster.Harness.Api.Store.Upsert(ChatDeployment.Plural, manifest);
        var stored = await OperatorHarness.EventuallyAsync(() => cluster.Harness.Api.Store.Get(ChatDeployment.Plural, Ns, name),
            o => Ready(o)?["reason"]?.GetValue<string>() == hostile.Reason, $"Ready=False with {hostile.Reason}");
        var ready = Ready(stored)!;
        ready["status"]!.GetValue<string>().Should().Be("False");
        foreach (var named in hostile.MessageNames)
        {
            ready["message"]!.GetValue<string>().Should().Contain(named);
        }

        await OperatorHarness.EventuallyAsync(() => cluster.Harness.Api.Store.List("events", Ns).Select(Manifests.FromJson<Corev1Event>).ToList(),
            events => events.Any(e => e.Type == "Warning" && e.Reason == hostile.Reason && e.InvolvedObject.Name == name), "the Warning Event");
        cluster.Harness.Api.Store.List("deployments", Ns).Should().NotContain(d => d["metadata"]!["name"]!.GetValue<string>().StartsWith(name + "-", StringComparison.Ordinal),
            "nothing runs from a refused spec");

        var good = cluster.NextName("good");
        cluster.Harness.Api.Store.Upsert(ChatDeployment.Plural, Manifest(good, _ => { }));
        await OperatorHarness.EventuallyAsync(() => cluster.Harness.Api.Store.Get(ChatDeployment.Plural, Ns, good),
            o => o["status"]?["tuning"] is not null, "a good ChatDeployment beside it to be planned");
    }

    private static JsonNode? Ready(JsonObject chat) =>
        chat["status"]?["conditions"]?.AsArray().FirstOrDefault(c => c?["type"]?.GetValue<string>() == ConditionTypes.Ready);

    private static JsonObject Manifest(string name, Action<JsonObject> hostile)
    {
        var spec = new JsonObject { ["model"] = new JsonObject { ["source"] = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B" } };
        hostile(spec);
        return new JsonObject
        {
            ["apiVersion"] = ChatDeployment.ApiVersionValue,
            ["kind"] = ChatDeployment.KindValue,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Ns },
            ["spec"] = spec,
        };
    }

    /// <summary>One fake cluster and operator for every case: a hostile spec must not disturb what runs beside it.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        private int _next;

        internal OperatorHarness Harness { get; private set; } = null!;

        public string NextName(string prefix) => $"{prefix}-{Interlocked.Increment(ref _next)}";

        public async Task InitializeAsync() => Harness = await OperatorHarness.StartAsync("rtx3060.yaml");

        public async Task DisposeAsync() => await Harness.DisposeAsync();
    }
}

/// <summary>The table of hostile specs.</summary>
internal static class HostileSpecs
{
    private const string Invalid = ConditionReasons.InvalidSpec;

    public static IReadOnlyList<HostileSpec> All { get; } =
    [
        // Values the C# types cannot read: before, one of these stopped reconciling in every namespace.
        new("affinity.nodeAffinity as a string", s => Worker(s)["affinity"] = new JsonObject { ["nodeAffinity"] = "oops" },
            "/spec/worker/affinity/nodeAffinity", Invalid, "spec.worker.affinity.nodeAffinity"),
        new("node selector terms as a string", s => Worker(s)["affinity"] = new JsonObject
            {
                ["nodeAffinity"] = new JsonObject { ["requiredDuringSchedulingIgnoredDuringExecution"] = new JsonObject { ["nodeSelectorTerms"] = "all" } },
            },
            "/spec/worker/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms", Invalid,
            "spec.worker.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"),
        new("podAntiAffinity terms as a number", s => Worker(s)["affinity"] = new JsonObject
            {
                ["podAntiAffinity"] = new JsonObject { ["preferredDuringSchedulingIgnoredDuringExecution"] = 3 },
            },
            "/spec/worker/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution", Invalid, "spec.worker.affinity.podAntiAffinity"),
        new("cpu limit 'lots'", s => Worker(s)["resources"] = Limits("cpu", "lots"), "/spec/worker/resources/limits/cpu", Invalid, "spec.worker.resources.limits.cpu"),
        new("memory request '1 GB'", s => Worker(s)["resources"] = new JsonObject { ["requests"] = new JsonObject { ["memory"] = "1 GB" } },
            "/spec/worker/resources/requests/memory", Invalid, "spec.worker.resources.requests.memory"),
        new("UI memory limit 'much'", s => Ui(s)["resources"] = Limits("memory", "much"), "/spec/ui/resources/limits/memory", Invalid, "spec.ui.resources.limits.memory"),
        new("tolerations as a string", s => Worker(s)["tolerations"] = "all", "/spec/worker/tolerations", Invalid, "spec.worker.tolerations"),
        new("env as a map", s => Worker(s)["env"] = new JsonObject { ["A"] = "b" }, "/spec/worker/env", Invalid, "spec.worker.env"),
        new("model as a string", s => s["model"] = "oops", "/spec/model", Invalid, "spec.model"),
        new("maxNumSeqs 'many'", s => Tuning(s)["maxNumSeqs"] = "many", "/spec/worker/tuning/maxNumSeqs", Invalid, "spec.worker.tuning.maxNumSeqs"),
        new("tuning mode 'Turbo'", s => Tuning(s)["mode"] = "Turbo", "/spec/worker/tuning/mode", Invalid, "spec.worker.tuning.mode"),
        new("replicas beyond int32", s => Worker(s)["replicas"] = 99_999_999_999L, "/spec/worker/replicas", Invalid, "spec.worker.replicas"),

        // Bounds the schema states and the operator enforces again.
        new("replicas -1", s => Worker(s)["replicas"] = -1, "/spec/worker/replicas", Invalid, "spec.worker.replicas"),
        new("replicas 2^31-1", s => Worker(s)["replicas"] = int.MaxValue, "/spec/worker/replicas", Invalid, "spec.worker.replicas"),
        new("maxModelLen 0", s => Tuning(s)["maxModelLen"] = 0, "/spec/worker/tuning/maxModelLen", Invalid, "spec.worker.tuning.maxModelLen"),
        new("gpuMemoryUtilization 5", s => Tuning(s)["gpuMemoryUtilization"] = 5.0, "/spec/worker/tuning/gpuMemoryUtilization", Invalid,
            "spec.worker.tuning.gpuMemoryUtilization"),
        new("minMemoryGiB -1", s => Worker(s)["gpu"] = new JsonObject { ["minMemoryGiB"] = -1.0 }, "/spec/worker/gpu/minMemoryGiB", Invalid,
            "spec.worker.gpu.minMemoryGiB"),
        new("gpu count 'lots'", s => Worker(s)["gpu"] = new JsonObject { ["count"] = "lots" }, null, Invalid, "spec.worker.gpu.count"),
        new("cache size 'lots'", s => Worker(s)["cache"] = new JsonObject { ["size"] = "lots" }, "/spec/worker/cache/size", Invalid, "spec.worker.cache.size"),
        new("UI data size '-5Gi'", s => Ui(s)["persistence"] = new JsonObject { ["size"] = "-5Gi" }, "/spec/ui/persistence/size", Invalid, "spec.ui.persistence.size"),
        new("inline chat template over 256 KiB", s => Model(s)["chatTemplate"] = new JsonObject { ["inline"] = new string('x', ChatTemplateSpec.MaxInlineLength + 1) },
            "/spec/model/chatTemplate/inline", Invalid, "spec.model.chatTemplate.inline", "262,144"),

        // Paths and names that would reach the worker's command line.
        new("pvc path with '..'", s => Model(s)["source"] = "pvc://claim/../../etc", "/spec/model/source", Invalid, "spec.model.source", ".."),
        new("pvc path '.'", s => Model(s)["source"] = "pvc://claim/./models", "/spec/model/source", Invalid, "spec.model.source"),
        new("pvc path with a bell character", s => Model(s)["source"] = "pvc://claim/mo\u0007dels", "/spec/model/source", Invalid, "spec.model.source", "control character"),
        new("source with a trailing newline", s => Model(s)["source"] = "pvc://claim/models\n", null, Invalid, "spec.model.source", "control character"),
        new("hub id with a trailing newline", s => Model(s)["source"] = "Qwen/Qwen3-8B\n", null, Invalid, "spec.model.source", "control character"),
        new("revision with a trailing newline", s => Model(s)["revision"] = "main\n", null, Invalid, "spec.model.revision"),
        new("served name with a space", s => Model(s)["servedName"] = "a b", "/spec/model/servedName", Invalid, "spec.model.servedName"),
        new("ingress host '*.*'", s => Ui(s)["ingress"] = new JsonObject { ["enabled"] = true, ["host"] = "*.*" }, "/spec/ui/ingress/host", Invalid, "spec.ui.ingress.host"),

        // Environment entries that would replace the operator's own.
        new("env VLLM_API_KEY empty", s => Env(s, "VLLM_API_KEY", ""), null, Invalid, "spec.worker.env[1].name", "VLLM_API_KEY"),
        new("env VLLM_API_KEY chosen", s => Env(s, "VLLM_API_KEY", "guessable"), null, Invalid, "spec.worker.env[1].name", "VLLM_API_KEY"),
        new("env HF_TOKEN", s => Env(s, "HF_TOKEN", "hf_x"), null, Invalid, "spec.worker.env[1].name", "HF_TOKEN"),
        new("env HF_HOME", s => Env(s, "HF_HOME", "/etc"), null, Invalid, "spec.worker.env[1].name", "HF_HOME"),

        // What only the API server can refuse: surfaced with its own words.
        new("env name starting with a digit", s => Env(s, "1BAD", "x"), null, ConditionReasons.ApplyFailed, "env[", "1BAD"),
        new("env name with '='", s => Env(s, "A=B", "x"), null, ConditionReasons.ApplyFailed, "env[", "A=B"),
    ];

    private static JsonObject Model(JsonObject spec) => (JsonObject)spec["model"]!;

    private static JsonObject Worker(JsonObject spec) => Child(spec, "worker");

    private static JsonObject Ui(JsonObject spec) => Child(spec, "ui");

    private static JsonObject Tuning(JsonObject spec) => Child(Worker(spec), "tuning");

    private static JsonObject Child(JsonObject parent, string name) => parent[name] as JsonObject ?? (JsonObject)(parent[name] = new JsonObject());

    private static JsonObject Limits(string resource, string value) => new() { ["limits"] = new JsonObject { [resource] = value } };

    private static void Env(JsonObject spec, string name, string value) => Worker(spec)["env"] = new JsonArray(
        new JsonObject { ["name"] = "LOG_LEVEL", ["value"] = "info" },
        new JsonObject { ["name"] = name, ["value"] = value });
}
