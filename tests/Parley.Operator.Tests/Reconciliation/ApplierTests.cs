using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Parley.Operator.Kinds;
using Parley.Operator.Metrics;
using Parley.Operator.Reconciliation;
using Parley.Operator.Runtime;
using Parley.Operator.Tests.Logging;
using Parley.LocalCluster.Api;

namespace Parley.Operator.Tests.Reconciliation;

public class ApplierTests
{
    [Fact]
    public async Task Apply_CreateThenSameThenChanged_LogsAndCountsEachOutcome()
    {
        await using var server = await InMemoryKubernetesApi.StartAsync();
        using var client = server.CreateClient();
        var metrics = new OperatorMetrics();
        var logger = new RecordingLogger();
        var applier = new Applier(Reader(client), new ApplyLog(logger, metrics));

        var first = await applier.ApplyAsync(ConfigMap("a"), CancellationToken.None);
        var second = await applier.ApplyAsync(ConfigMap("a"), CancellationToken.None);
        var third = await applier.ApplyAsync(ConfigMap("b"), CancellationToken.None);

        new[] { first.Outcome, second.Outcome, third.Outcome }.Should().Equal(ApplyOutcome.Created, ApplyOutcome.Unchanged, ApplyOutcome.Updated);
        logger.Messages.Should().Equal("Applied ConfigMap r1-chat-template: created", "Applied ConfigMap r1-chat-template: unchanged",
            "Applied ConfigMap r1-chat-template: updated");
        logger.Entries[1].Level.Should().Be(LogLevel.Debug, "a steady state must not fill the log");
        logger.Entries[2].Level.Should().Be(LogLevel.Information);
        foreach (var outcome in new[] { "created", "unchanged", "updated" })
        {
            metrics.ApplyTotal.WithLabels("ConfigMap", outcome).Value.Should().Be(1, outcome);
        }

        metrics.ApplyTotal.WithLabels("ConfigMap", "deleted").Value.Should().Be(0);
    }

    [Fact]
    public async Task DeleteIfOwned_AnObjectNotThere_IsNeitherLoggedNorCounted()
    {
        await using var server = await InMemoryKubernetesApi.StartAsync();
        using var client = server.CreateClient();
        var metrics = new OperatorMetrics();
        var logger = new RecordingLogger();
        var applier = new Applier(Reader(client), new ApplyLog(logger, metrics));

        await applier.DeleteIfOwnedAsync<V1ConfigMap>("team-a", "absent", "uid-1", CancellationToken.None);

        logger.Messages.Should().BeEmpty();
        metrics.ApplyTotal.WithLabels("V1ConfigMap", "unchanged").Value.Should().Be(0);
    }

    [Fact]
    public async Task Apply_AfterAHandEditReachedTheCache_RestoresTheObject()
    {
        await using var server = await InMemoryKubernetesApi.StartAsync();
        using var client = server.CreateClient();
        var caches = new OwnedCaches();
        var cache = new ObjectCache<V1ConfigMap>();
        caches.Add(cache);
        var applier = new Applier(new OwnedReader(new ClusterApi(client, KubernetesRetry.Create(TimeSpan.FromSeconds(5))), caches),
            new ApplyLog(new RecordingLogger(), new OperatorMetrics()));
        var desired = Parley.Operator.Resources.Ownership.Own(ConfigMap("a"), TestChats.Chat());
        await applier.ApplyAsync(desired, CancellationToken.None);
        (await applier.ApplyAsync(desired, CancellationToken.None)).Outcome.Should().Be(ApplyOutcome.Unchanged);

        var edited = await client.CoreV1.ReadNamespacedConfigMapAsync("r1-chat-template", "team-a");
        edited.Data["template.jinja"] = "hand-edited";
        cache.Set(await client.CoreV1.ReplaceNamespacedConfigMapAsync(edited, "r1-chat-template", "team-a")); // as the watch would

        (await applier.ApplyAsync(desired, CancellationToken.None)).Outcome.Should().Be(ApplyOutcome.Updated);
        (await client.CoreV1.ReadNamespacedConfigMapAsync("r1-chat-template", "team-a")).Data["template.jinja"].Should().Be("a");
    }

    /// <summary>A reader over an empty ConfigMap cache that only the applier's own writes fill.</summary>
    private static OwnedReader Reader(k8s.IKubernetes client)
    {
        var caches = new OwnedCaches();
        caches.Add(new ObjectCache<V1ConfigMap>());
        return new OwnedReader(new ClusterApi(client, KubernetesRetry.Create(TimeSpan.FromSeconds(5))), caches);
    }

    private static V1ConfigMap ConfigMap(string template) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = "r1-chat-template", NamespaceProperty = "team-a" },
        Data = new Dictionary<string, string> { ["template.jinja"] = template },
    };
}
