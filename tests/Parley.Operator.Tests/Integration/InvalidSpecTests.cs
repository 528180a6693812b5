using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Parley.Api;
using Parley.Api.Serialization;
using Parley.Api.Status;

namespace Parley.Operator.Tests.Integration;

public class InvalidSpecTests
{
    private const string Ns = "team-a";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UndecodableSpec_IsReadyFalseNamingTheField_WhileOthersKeepReconciling(bool presentAtStart)
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml", startOperator: !presentAtStart);
        // The API server stores what an older or looser schema admits; the C# types cannot read a string as NodeAffinity.
        var bad = RawChat("bad", worker => worker["affinity"] = new JsonObject { ["nodeAffinity"] = "oops" });
        harness.Api.Store.Upsert(ChatDeployment.Plural, bad);
        if (presentAtStart)
        {
            harness.StartOperator(OperatorHarness.FastOptions());
        }

        await harness.ApplyAsync(OperatorTests.Chat());

        await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Tuning is not null, "the good ChatDeployment's plan");
        var stored = await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get(ChatDeployment.Plural, Ns, "bad"),
            o => o["status"] is not null, "the unreadable ChatDeployment's status");
        var ready = Manifests.FromJson<ChatDeployment>(new JsonObject { ["status"] = stored["status"]!.DeepClone() }).Status!.Conditions!
            .Single(c => c.Type == ConditionTypes.Ready);
        ready.Status.Should().Be("False");
        ready.Reason.Should().Be(ConditionReasons.InvalidSpec);
        ready.Message.Should().Contain("spec.worker.affinity.nodeAffinity");
        stored["spec"]!["worker"]!["affinity"]!["nodeAffinity"]!.GetValue<string>().Should().Be("oops", "the status write keeps the stored spec");
        await OperatorTests.EventuallyEvent(harness, e => e.Type == "Warning" && e.Reason == ConditionReasons.InvalidSpec
            && e.InvolvedObject.Name == "bad" && e.Message.Contains("spec.worker.affinity.nodeAffinity", StringComparison.Ordinal));

        await harness.SettleAsync(); // The status write is not repeated: the stand-in keeps the status it was written with.

        // Once corrected, it is planned like any other.
        harness.Api.Store.Update(ChatDeployment.Plural, Ns, "bad", chat => chat["spec"]!["worker"]!["affinity"] = new JsonObject());
        await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "bad"), c => c.Status?.Tuning is not null, "the corrected ChatDeployment's plan");
    }

    [Fact]
    public async Task UnreadableChatDeployment_BeingDeleted_HasItsFinalizerRunAndGoes()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml");
        await harness.ApplyAsync(OperatorTests.Chat());
        await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1Deployment>(Ns, "r1-ui"), _ => true, "the UI");
        harness.Api.Store.Update(ChatDeployment.Plural, Ns, "r1", chat => chat["spec"]!["worker"] = new JsonObject
        {
            ["resources"] = new JsonObject { ["limits"] = new JsonObject { ["cpu"] = "lots" } },
        });
        var stored = await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get(ChatDeployment.Plural, Ns, "r1"),
            o => o["status"]?["phase"]?.GetValue<string>() == Phases.Failed, "InvalidSpec");
        stored["status"]!["conditions"]!.ToJsonString().Should().Contain("spec.worker.resources.limits.cpu");

        harness.Api.Store.Delete(ChatDeployment.Plural, Ns, "r1");

        await OperatorHarness.EventuallyAsync(() => (object?)(harness.Api.Store.Get(ChatDeployment.Plural, Ns, "r1") is null ? "gone" : null), _ => true,
            "the ChatDeployment to go");
        harness.Api.Store.Get<V1Deployment>(Ns, "r1-worker").Should().BeNull();
    }

    [Fact]
    public async Task ObjectTheApiServerRejects_IsReadyFalseApplyFailedWithItsMessage_RetriedWithBackoff()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml");
        var chat = OperatorTests.Chat();
        chat.Spec.Worker = new Parley.Api.Spec.WorkerSpec { Env = [new V1EnvVar { Name = "1BAD", Value = "x" }] };
        await harness.ApplyAsync(chat);

        var failed = await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"),
            c => c.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Reason == ConditionReasons.ApplyFailed) == true, "ApplyFailed");
        failed.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Message.Should()
            .Contain("spec.template.spec.containers[0].env[").And.Contain("1BAD");
        await OperatorTests.EventuallyEvent(harness, e => e.Type == "Warning" && e.Reason == ConditionReasons.ApplyFailed);
        var attempts = Attempts(harness);
        await Task.Delay(TimeSpan.FromSeconds(2));
        (Attempts(harness) - attempts).Should().BeLessThan(12, "a rejected object is retried with a growing backoff, not in a loop");
        OperatorTests.Events(harness).Count(e => e.Reason == ConditionReasons.ApplyFailed).Should().Be(1, "the same refusal is reported once");

        await harness.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"worker":{"env":[{"name":"GOOD","value":"x"}]}}}""", V1Patch.PatchType.MergePatch),
            ChatDeployment.Group, ChatDeployment.Version, Ns, ChatDeployment.Plural, "r1");
        await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Phase == Phases.Progressing, "Progressing once corrected");
    }

    private static int Attempts(OperatorHarness harness) =>
        harness.Api.Requests.All.Count(r => r.Method is "POST" && r.Path.EndsWith("/deployments", StringComparison.Ordinal));

    internal static JsonObject RawChat(string name, Action<JsonObject> worker)
    {
        var json = Manifests.ToJson(OperatorTests.Chat()).AsObject();
        json["metadata"]!["name"] = name;
        var spec = new JsonObject();
        worker(spec);
        json["spec"]!["worker"] = spec;
        return json;
    }
}
