// The operator running against the in-memory Kubernetes API: real KubernetesClient calls, real watches, real leases.
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Api;
using Parley.Api.Serialization;
using Parley.Operator.Cli;
using Parley.Operator.Metrics;
using Parley.Operator.Runtime;
using Parley.Testing;
using Parley.LocalCluster.Api;

namespace Parley.Testing.Operator;

public sealed class OperatorHarness : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly List<(OperatorHost Host, CancellationTokenSource Stop, Task Run)> _operators = [];

    private OperatorHarness(InMemoryKubernetesApi api) => Api = api;

    public InMemoryKubernetesApi Api { get; }

    public IKubernetes Client { get; private set; } = null!;

    public static ControllerOptions FastOptions(bool leaderElection = false, string identity = "operator-0") => new()
    {
        Workers = 2,
        LeaderElection = leaderElection,
        LeaseNamespace = "parley-system",
        Identity = identity,
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewDeadline = TimeSpan.FromSeconds(1.5),
        RetryPeriod = TimeSpan.FromMilliseconds(250),
        ResyncPeriod = TimeSpan.FromMinutes(5),
        ApiAttemptTimeout = TimeSpan.FromSeconds(2),
    };

    public static async Task<OperatorHarness> StartAsync(string nodesFile, ControllerOptions? options = null, bool startOperator = true,
        InMemoryKubernetesOptions? apiOptions = null)
    {
        var harness = new OperatorHarness(await InMemoryKubernetesApi.StartAsync(apiOptions));
        harness.Client = harness.Api.CreateClient();
        harness.SeedNodes(nodesFile);
        if (startOperator)
        {
            harness.StartOperator(options ?? FastOptions());
        }

        return harness;
    }

    /// <summary>Starts an operator; <paramref name="clock"/> (default: the system's) is what it reads the time from.</summary>
    public OperatorHost StartOperator(ControllerOptions options, OperatorMetrics? metrics = null, TimeProvider? clock = null)
    {
        var client = Api.CreateClient();
        var host = new OperatorHost(client, options, NullLoggerFactory.Instance, metrics ?? new OperatorMetrics(), clock ?? TimeProvider.System);
        var stop = new CancellationTokenSource();
        _operators.Add((host, stop, Task.Run(() => host.RunAsync(stop.Token))));
        return host;
    }

    /// <summary>Stops one operator as SIGTERM would and waits for it to finish.</summary>
    public async Task StopOperatorAsync(OperatorHost host)
    {
        var entry = _operators.Single(o => o.Host == host);
        await entry.Stop.CancelAsync();
        await entry.Run.WaitAsync(Patience);
    }

    public void SeedNodes(string nodesFile)
    {
        foreach (var node in Manifests.ReadAll<V1Node>(File.ReadAllText(RepositoryPaths.Of("samples", "nodes", nodesFile)), "Node"))
        {
            Api.Store.Upsert("nodes", Manifests.ToJson(node).AsObject());
        }
    }

    public Task<ChatDeployment> ApplyAsync(ChatDeployment chat) =>
        Client.CustomObjects.CreateNamespacedCustomObjectAsync<ChatDeployment>(chat, ChatDeployment.Group, ChatDeployment.Version,
            chat.Metadata.NamespaceProperty, ChatDeployment.Plural);

    public ChatDeployment? Chat(string ns, string name) =>
        Api.Store.Get(ChatDeployment.Plural, ns, name) is { } json ? Manifests.FromJson<ChatDeployment>(json) : null;

    /// <summary>Marks a Deployment as rolled out and available, as the Deployment controller and kubelet would.</summary>
    public void MarkAvailable(string ns, string name)
    {
        var deployment = Api.Store.Get("deployments", ns, name) ?? throw new InvalidOperationException($"No Deployment {ns}/{name}.");
        var replicas = deployment["spec"]?["replicas"]?.GetValue<int>() ?? 1;
        deployment["status"] = new JsonObject
        {
            ["observedGeneration"] = deployment["metadata"]!["generation"]!.DeepClone(),
            ["replicas"] = replicas,
            ["updatedReplicas"] = replicas,
            ["readyReplicas"] = replicas,
            ["availableReplicas"] = replicas,
        };
        Api.Store.Upsert("deployments", deployment);
    }

    /// <summary>Polls until <paramref name="probe"/> returns a value that satisfies <paramref name="until"/>.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<T?> probe, Func<T, bool> until, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Patience);
        T? last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = probe();
            if (last is not null && until(last))
            {
                return last;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Timed out waiting for {what}; last seen: {(last is null ? "nothing" : KubernetesJson.Serialize(last))}");
    }

    /// <summary>Waits until the API has seen no write for <paramref name="quiet"/>.</summary>
    public async Task SettleAsync(TimeSpan? quiet = null)
    {
        var window = quiet ?? TimeSpan.FromMilliseconds(750);
        var deadline = DateTime.UtcNow + Patience;
        var writes = Api.WriteCount;
        var since = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            if (Api.WriteCount != writes)
            {
                (writes, since) = (Api.WriteCount, DateTime.UtcNow);
            }
            else if (DateTime.UtcNow - since >= window)
            {
                return;
            }
        }

        throw new TimeoutException("The operator kept writing.");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (host, stop, run) in _operators)
        {
            await stop.CancelAsync();
            try
            {
                await run.WaitAsync(Patience);
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
            catch (TimeoutException)
            {
                throw new TimeoutException("The operator did not stop: " + host.DescribeStop());
            }

            host.Dispose();
            stop.Dispose();
        }

        Client.Dispose();
        await Api.DisposeAsync();
    }
}
