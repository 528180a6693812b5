using System.Diagnostics;
using k8s;
using k8s.Models;
using Parley.Api;
using Parley.Api.Spec;
using Parley.Operator.Metrics;
using Xunit.Abstractions;

namespace Parley.Operator.Tests.Integration;

public class DeleteStormTests(ITestOutputHelper output)
{
    private const string Ns = "storm";
    private const int Count = 100;

    [Fact]
    public async Task Storm_OfCreatesAndDeletes_FinishesWithoutReconcileErrors()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml", startOperator: false);
        var metrics = new OperatorMetrics();
        harness.StartOperator(OperatorHarness.FastOptions() with { Workers = 4 }, metrics);
        var started = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, Count).Select(i => harness.ApplyAsync(Chat(i))));
        await OperatorHarness.EventuallyAsync(() => harness.Api.Store.List("deployments", Ns).Count, n => n == 2 * Count, "every worker and UI Deployment",
            TimeSpan.FromSeconds(60));
        var created = started.Elapsed;
        await Task.WhenAll(Enumerable.Range(0, Count).Select(i => harness.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(
            ChatDeployment.Group, ChatDeployment.Version, Ns, ChatDeployment.Plural, Name(i))));
        await OperatorHarness.EventuallyAsync(() => harness.Api.Store.List(ChatDeployment.Plural, Ns).Count, n => n == 0, "every ChatDeployment gone",
            TimeSpan.FromSeconds(60));

        output.WriteLine($"{Count} ChatDeployments: created and rolled out in {created.TotalSeconds:0.0} s, all deleted after {started.Elapsed.TotalSeconds:0.0} s; " +
            $"reconciles: {metrics.ReconcileTotal.WithLabels("success").Value} success, {metrics.ReconcileTotal.WithLabels("requeue").Value} requeue, " +
            $"{metrics.ReconcileTotal.WithLabels("error").Value} error.");
        metrics.ReconcileTotal.WithLabels("error").Value.Should().Be(0);
        harness.Api.Store.List("deployments", Ns).Should().BeEmpty();
        // The per-ChatDeployment series go with their ChatDeployments (the informer's Deleted event removes them).
        await OperatorHarness.EventuallyAsync(() => Exposition(metrics).Result, text => !text.Contains($"namespace=\"{Ns}\"", StringComparison.Ordinal),
            "no series left for deleted ChatDeployments");
    }

    private static async Task<string> Exposition(OperatorMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Name(int i) => $"storm-{i}";

    private static ChatDeployment Chat(int i) => new()
    {
        Metadata = new V1ObjectMeta { Name = Name(i), NamespaceProperty = Ns },
        Spec = new ChatDeploymentSpec { Model = new ModelSpec { Source = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B" } },
    };
}
