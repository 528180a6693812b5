using System.Text.Json.Nodes;
using Parley.Api;
using Parley.Api.Serialization;
using Parley.Operator.Kinds;
using Parley.Operator.Reconciliation;
using Parley.Operator.Tests.Kinds;
using Parley.LocalCluster.Api;

namespace Parley.Operator.Tests.Integration;

/// <summary>Runs a ChatDeployment with every optional object through create and delete, and checks each row of the
/// owned-kinds table against what the operator asked the API server.</summary>
public class OwnedKindsLifecycleTests
{
    private const string Ns = "team-a";

    [Fact]
    public async Task EveryRow_IsWatchedCreatedAndDeletedAsTheTableSays()
    {
        var requests = await RunALifecycleAsync();

        foreach (var kind in OwnedKinds.All)
        {
            var all = Prefix(kind.Resource) + "/" + kind.Resource.Plural;
            requests.Any(r => r.Method == "GET" && r.Path == all && r.IsWatch).Should().Be(kind.IsWatched(crdInstalled: true), $"{kind} is {kind.Watching}");
            if (!kind.IsApplied)
            {
                requests.Should().NotContain(r => r.IsWrite && r.Path.Contains("/" + kind.Resource.Plural, StringComparison.Ordinal), $"{kind} is only observed");
                continue;
            }

            var collection = $"{Prefix(kind.Resource)}/namespaces/{Ns}/{kind.Resource.Plural}";
            requests.Should().Contain(r => r.Method == "POST" && r.Path == collection && r.IsSuccess, $"{kind} is applied");
            foreach (var (_, name) in OwnedObjects.All(Chat()).Where(o => o.Kind == kind))
            {
                requests.Should().Contain(r => r.Method == "DELETE" && r.Path == $"{collection}/{name}", $"{kind} {name} goes with its ChatDeployment");
            }
        }
    }

    private static async Task<IReadOnlyList<RequestRecord>> RunALifecycleAsync()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml", startOperator: false);
        harness.Api.Store.Upsert("customresourcedefinitions", new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = "servicemonitors.monitoring.coreos.com" },
        });
        harness.StartOperator(OperatorHarness.FastOptions());
        harness.Api.Store.Upsert(ChatDeployment.Plural, Manifests.ToJson(Chat()).AsObject());
        await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Tuning is not null, "a plan");
        await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get("ingresses", Ns, "r1-ui"), _ => true, "the last object");
        harness.Api.Store.Delete(ChatDeployment.Plural, Ns, "r1");
        await OperatorHarness.EventuallyAsync(() => (object?)(harness.Chat(Ns, "r1") is null ? "gone" : null), _ => true, "the ChatDeployment to go");
        return harness.Api.Requests.All;
    }

    private static ChatDeployment Chat()
    {
        var chat = Manifests.ReadAll<ChatDeployment>(OwnedKindsTests.FullChat, ChatDeployment.KindValue).Single();
        chat.Metadata.Uid = null;
        return chat;
    }

    private static string Prefix(ApiResource resource) => resource.Group.Length == 0 ? $"/api/{resource.Version}" : $"/apis/{resource.Group}/{resource.Version}";
}
