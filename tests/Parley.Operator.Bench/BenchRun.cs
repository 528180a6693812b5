// One benchmark size: a fresh in-memory API with the mixed node inventory, a fresh operator process, N ChatDeployments
// created at once over HTTP, then wait until each has a status for its generation and the writes have stopped.
using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Parley.Api;
using Parley.Api.Serialization;
using Parley.Api.Spec;
using Parley.Testing;
using Parley.LocalCluster.Api;

namespace Parley.Operator.Bench;

/// <summary>What one size measured. Sizes are bytes; requests count everything the operator asked from its start
/// (lists, watches, reads and writes) plus the benchmark's own creates.</summary>
internal sealed record BenchResult(int Count, int Workers, TimeSpan CreatedAfter, TimeSpan ReconciledAfter, long Requests, long Writes,
    long OperatorSyncedWorkingSet, IReadOnlyDictionary<string, long> Operator)
{
    public double RequestsPerChat => (double)Requests / Count;
    public double WritesPerChat => (double)Writes / Count;
    public long OperatorPeakWorkingSet => Operator["peak-working-set"];
    public long Figure(string name) => Operator.GetValueOrDefault(name);
}

internal static class BenchRun
{
    private static readonly string[] Models =
        ["deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "Qwen/Qwen3-8B", "TechxGENus/Meta-Llama-3-8B-Instruct-GPTQ", "Qwen/Qwen2.5-7B-Instruct"];

    // How long the API must see no write before the run counts as settled: the last Events and status writes land after
    // the last ChatDeployment reports its generation.
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    public static async Task<BenchResult> RunAsync(int count, int workers)
    {
        // Enough history that a watch resumed during the run is not answered 410 (each ChatDeployment makes about 20 events).
        await using var api = await InMemoryKubernetesApi.StartAsync(new InMemoryKubernetesOptions { HistoryLimit = 100_000 });
        foreach (var node in Manifests.ReadAll<V1Node>(File.ReadAllText(RepositoryPaths.Of("samples", "nodes", "mixed.yaml")), "Node"))
        {
            api.Store.Upsert("nodes", Manifests.ToJson(node).AsObject());
        }

        api.Requests.Clear();
        using var operatorProcess = await OperatorProcess.StartAsync(new Uri(api.Url), workers);
        using var client = api.CreateClient();
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var chat = new ChatDeployment
            {
                Metadata = new V1ObjectMeta { Name = $"chat-{i:D5}", NamespaceProperty = $"team-{i % 10}" },
                Spec = new ChatDeploymentSpec { Model = new ModelSpec { Source = Models[i % Models.Length] } },
            };
            await client.CustomObjects.CreateNamespacedCustomObjectAsync<ChatDeployment>(chat, ChatDeployment.Group, ChatDeployment.Version,
                chat.Metadata.NamespaceProperty, ChatDeployment.Plural, cancellationToken: ct);
        });
        var created = clock.Elapsed;
        while (api.Store.List(ChatDeployment.Plural).Count(IsReconciled) < count)
        {
            await Task.Delay(20);
        }

        var reconciled = clock.Elapsed;
        await SettleAsync(api);
        var figures = await operatorProcess.StopAsync();
        return new BenchResult(count, workers, created, reconciled, api.Requests.All.Count, api.WriteCount,
            operatorProcess.SyncedWorkingSet, figures);
    }

    private static async Task SettleAsync(InMemoryKubernetesApi api)
    {
        var (writes, since) = (api.WriteCount, Stopwatch.StartNew());
        while (since.Elapsed < Quiet)
        {
            await Task.Delay(50);
            if (api.WriteCount != writes)
            {
                (writes, since) = (api.WriteCount, Stopwatch.StartNew());
            }
        }
    }

    private static bool IsReconciled(JsonObject chat) =>
        chat["status"]?["observedGeneration"]?.GetValue<long>() == chat["metadata"]?["generation"]?.GetValue<long>()
        && chat["status"]?["tuning"] is not null;
}
