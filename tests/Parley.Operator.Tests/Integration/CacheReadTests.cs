using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using Parley.Api;
using Parley.Api.Serialization;
using Parley.Api.Spec;
using Parley.Operator.Metrics;
using Parley.Operator.Resources;
using Parley.LocalCluster.Api;

namespace Parley.Operator.Tests.Integration;

/// <summary>The reconciler reads owned objects from the informer caches; watches on every owned kind repair hand edits
/// at once, and a cache that is behind the API server costs a 409 and a requeue, not a wrong write.</summary>
public class CacheReadTests
{
    private const string Ns = "team-a";

    // A resync far beyond the tests' patience: whatever is repaired was repaired by a watch event.
    private static readonly TimeSpan NoResync = TimeSpan.FromHours(1);

    [Fact]
    public async Task HandEdit_OfAnOwnedConfigMap_IsRepairedWithoutAResync()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml", OperatorHarness.FastOptions() with { ResyncPeriod = NoResync });
        await harness.ApplyAsync(ChatWithTemplate());
        await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1ConfigMap>(Ns, "r1-chat-template"), _ => true, "the template ConfigMap");
        await harness.SettleAsync();

        harness.Api.Store.Update("configmaps", Ns, "r1-chat-template", map => map["data"] = new JsonObject { ["chat_template.jinja"] = "hand-edited" });

        var repaired = await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1ConfigMap>(Ns, "r1-chat-template"),
            map => map.Data.Values.All(value => value.Contains("m.content", StringComparison.Ordinal)), "the template back");
        repaired.Data.Values.Should().NotContain("hand-edited");
    }

    [Fact]
    public async Task HandEdit_OfAnOwnedSecret_IsRepairedWithoutAResync()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml", OperatorHarness.FastOptions() with { ResyncPeriod = NoResync });
        await harness.ApplyAsync(OperatorTests.Chat());
        var original = await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1Secret>(Ns, "r1-credentials"), _ => true, "the credentials");
        await harness.SettleAsync();

        // Someone removes the UI's session key by hand: the operator puts a key back.
        harness.Api.Store.Update("secrets", Ns, "r1-credentials", secret => secret["data"]!.AsObject().Remove(Credentials.WebUiSecretKeyKey));

        var repaired = await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1Secret>(Ns, "r1-credentials"),
            secret => secret.Data.ContainsKey(Credentials.WebUiSecretKeyKey), "the session key back");
        repaired.Data[Credentials.ApiKeyKey].Should().Equal(original.Data[Credentials.ApiKeyKey], "the values still there are kept");
    }

    [Fact]
    public async Task ChangedApiKey_RollsTheWorkerAndTheUiOut()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml", OperatorHarness.FastOptions() with { ResyncPeriod = NoResync });
        await harness.ApplyAsync(OperatorTests.Chat());
        string? Checksum(string deployment) =>
            harness.Api.Store.Get<V1Deployment>(Ns, deployment)?.Spec.Template.Metadata.Annotations is { } a && a.TryGetValue(Credentials.ApiKeyChecksumAnnotation, out var c) ? c : null;
        var before = await OperatorHarness.EventuallyAsync(() => Checksum("r1-worker"), c => Checksum("r1-ui") == c, "both pod templates with the key's checksum");
        await harness.SettleAsync();

        // A rotated key: the worker and the UI each read it once, at start, so both pod templates must change.
        harness.Api.Store.Update("secrets", Ns, "r1-credentials", secret => secret["data"]![Credentials.ApiKeyKey] = Convert.ToBase64String(Encoding.UTF8.GetBytes("rotated")));

        var after = await OperatorHarness.EventuallyAsync(() => Checksum("r1-worker"), c => c != before && Checksum("r1-ui") == c, "both pod templates rolled");
        after.Should().Be(Credentials.Checksum("rotated"));
    }

    [Fact]
    public async Task Create_AgainstAStaleCache_Gets409ThenRequeuesAndConverges()
    {
        // The Secrets watch hangs for 2 s after the first list, so the Secret below stays out of the cache until the
        // informer lists again.
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml", startOperator: false,
            apiOptions: new InMemoryKubernetesOptions { HangLimit = TimeSpan.FromSeconds(2) });
        harness.Api.Faults.HangNext("WATCH", "/api/v1/secrets");
        var metrics = new OperatorMetrics();
        var host = harness.StartOperator(OperatorHarness.FastOptions() with { ResyncPeriod = NoResync }, metrics);
        await OperatorHarness.EventuallyAsync(() => (object?)(host.HasSynced ? "synced" : null), _ => true, "the caches");
        // Credentials kept from an earlier ChatDeployment of the same name (retained on delete).
        harness.Api.Store.Upsert("secrets", Manifests.ToJson(RetainedCredentials()).AsObject());

        await harness.ApplyAsync(OperatorTests.Chat());

        await OperatorHarness.EventuallyAsync(() => harness.Api.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/secrets", StringComparison.Ordinal) && r.StatusCode == 409),
            n => n > 0, "a create that met the existing Secret");
        var chat = await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Phase == "Progressing", "the reconcile to converge");
        chat.Status!.ObservedGeneration.Should().Be(chat.Metadata.Generation);
        var secret = harness.Api.Store.Get<V1Secret>(Ns, "r1-credentials")!;
        Encoding.UTF8.GetString(secret.Data[Credentials.ApiKeyKey]).Should().Be("kept-api-key", "the existing Secret's values win over the stale cache's fresh ones");
        metrics.ReconcileTotal.WithLabels("requeue").Value.Should().BeGreaterThan(0);
        metrics.ReconcileTotal.WithLabels("error").Value.Should().Be(0, "a stale cache is not an error");
    }

    private static ChatDeployment ChatWithTemplate()
    {
        var chat = OperatorTests.Chat();
        chat.Spec.Model.ChatTemplate = new ChatTemplateSpec { Inline = "{% for m in messages %}{{ m.content }}{% endfor %}" };
        return chat;
    }

    private static V1Secret RetainedCredentials() => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Type = "Opaque",
        Metadata = new V1ObjectMeta
        {
            Name = "r1-credentials",
            NamespaceProperty = Ns,
            Labels = Labels.For(OperatorTests.Chat(), Labels.UiComponent),
            Annotations = new Dictionary<string, string> { [Ownership.RetainAnnotation] = "true" },
        },
        Data = new Dictionary<string, byte[]>
        {
            [Credentials.ApiKeyKey] = Encoding.UTF8.GetBytes("kept-api-key"),
            [Credentials.WebUiSecretKeyKey] = Encoding.UTF8.GetBytes("kept-session-key"),
        },
    };
}
