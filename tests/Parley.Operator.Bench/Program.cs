// Creates N ChatDeployments at once against the in-memory Kubernetes API and reports how long the operator takes to
// reconcile them all (status written for the current generation), the API requests it made per ChatDeployment, and
// the process's peak memory (operator and in-memory API together; the managed heap is reported separately).
//
//   dotnet run -c Release --project tests/Parley.Operator.Bench -- [count=500] [workers=4]
using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Api;
using Parley.Api.Serialization;
using Parley.Api.Spec;
using Parley.Operator.Cli;
using Parley.Operator.Metrics;
using Parley.Operator.Runtime;
using Parley.Testing;
using Parley.Testing.FakeKubernetes;

var count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 500;
var workers = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 4;

await using var api = await FakeKubernetesApi.StartAsync(new FakeKubernetesOptions { HistoryLimit = 100_000 });
foreach (var node in Manifests.ReadAll<V1Node>(File.ReadAllText(RepositoryPaths.Of("samples", "nodes", "mixed.yaml")), "Node"))
{
    api.Store.Upsert("nodes", Manifests.ToJson(node).AsObject());
}

using var operatorClient = api.CreateClient();
using var host = new OperatorHost(operatorClient, new ControllerOptions { Workers = workers, LeaderElection = false }, NullLoggerFactory.Instance, new OperatorMetrics(), TimeProvider.System);
using var stop = new CancellationTokenSource();
var running = Task.Run(() => host.RunAsync(stop.Token));
while (!host.HasSynced)
{
    await Task.Delay(10);
}

using var client = api.CreateClient();
string[] models = ["deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "Qwen/Qwen3-8B", "TechxGENus/Meta-Llama-3-8B-Instruct-GPTQ", "Qwen/Qwen2.5-7B-Instruct"];
var requestsBefore = api.Requests.All.Count;
var clock = Stopwatch.StartNew();
await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
{
    var chat = new ChatDeployment
    {
        Metadata = new V1ObjectMeta { Name = $"chat-{i:D4}", NamespaceProperty = $"team-{i % 10}" },
        Spec = new ChatDeploymentSpec { Model = new ModelSpec { Source = models[i % models.Length] } },
    };
    await client.CustomObjects.CreateNamespacedCustomObjectAsync<ChatDeployment>(chat, ChatDeployment.Group, ChatDeployment.Version,
        chat.Metadata.NamespaceProperty, ChatDeployment.Plural, cancellationToken: ct);
});
var created = clock.Elapsed;
var createRequests = api.Requests.All.Count - requestsBefore;

while (api.Store.List(ChatDeployment.Plural).Count(IsReconciled) < count)
{
    await Task.Delay(20);
}

var reconciled = clock.Elapsed;
var operatorRequests = api.Requests.All.Count - requestsBefore - createRequests;
var peak = Process.GetCurrentProcess().PeakWorkingSet64;
await stop.CancelAsync();
await running;

Console.WriteLine($"ChatDeployments          {count} (workers {workers}, {Environment.ProcessorCount} cores)");
Console.WriteLine($"created in               {created.TotalSeconds:0.00} s");
Console.WriteLine($"all reconciled after     {reconciled.TotalSeconds:0.00} s ({count / reconciled.TotalSeconds:0} per second)");
Console.WriteLine($"API requests per chat    {(double)operatorRequests / count:0.0} ({operatorRequests} in all, watches included)");
Console.WriteLine($"API writes per chat      {(double)api.WriteCount / count:0.0} (including the benchmark's own creates)");
Console.WriteLine($"peak working set         {peak / (1 << 20)} MiB (operator and in-memory API in one process)");
Console.WriteLine($"managed heap after       {GC.GetTotalMemory(forceFullCollection: true) / (1 << 20)} MiB");
return 0;

static bool IsReconciled(System.Text.Json.Nodes.JsonObject chat) =>
    chat["status"]?["observedGeneration"]?.GetValue<long>() == chat["metadata"]?["generation"]?.GetValue<long>()
    && chat["status"]?["tuning"] is not null;
