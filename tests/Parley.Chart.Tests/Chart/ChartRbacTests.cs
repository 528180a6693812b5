using System.Text.Json.Nodes;
using k8s.Models;
using Parley.Api;
using Parley.Api.Serialization;

namespace Parley.Chart.Tests.Chart;

public class ChartRbacTests
{
    private const string ReleaseNamespace = "parley-system";

    // Everything a ChatDeployment can make the operator touch: UI with ingress, an inline template (ConfigMap), a
    // Service Monitor (the CRD is seeded below), data not retained (PVC and Secret deleted with it), and the router with
    // its ServiceAccount, Role and RoleBinding (autoscaling turns routing on).
    private const string FullChat = """
        apiVersion: parley.dev/v1alpha1
        kind: ChatDeployment
        metadata:
          name: r1
          namespace: team-a
        spec:
          model:
            source: deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B
            chatTemplate:
              inline: "{% for m in messages %}{{ m.content }}{% endfor %}"
          worker:
            autoscaling:
              maxReplicas: 2
          ui:
            ingress:
              enabled: true
              host: chat.example.com
            persistence:
              retainOnDelete: false
        """;

    [Fact]
    public async Task ClusterRoleAndLeaseRole_AllowEveryRequestTheOperatorMakes()
    {
        var chart = RenderedChart.Render();
        var clusterRules = chart.Single<V1ClusterRole>("ClusterRole").Rules;
        var role = chart.Single<V1Role>("Role");
        role.Metadata.NamespaceProperty.Should().Be(ReleaseNamespace);

        var requests = await RunTheOperatorThroughALifecycleAsync();

        var denied = requests.Where(r => !RbacRules.Allows(clusterRules, r) && !(r.Namespace == ReleaseNamespace && RbacRules.Allows(role.Rules, r)))
            .Select(r => r.ToString()).Distinct().ToList();
        denied.Should().BeEmpty("the operator's ServiceAccount would get 403 for these");
        // The lifecycle reached every kind of write, so the check above covered them.
        requests.Select(r => $"{r.Verb} {r.Resource}").Should().Contain(
        [
            "create deployments", "update deployments", "create servicemonitors", "create ingresses", "create configmaps",
            "create secrets", "delete secrets", "delete persistentvolumeclaims", "create events", "update chatdeployments/status",
            "patch chatdeployments", "create leases", "update leases", "get customresourcedefinitions",
            "create serviceaccounts", "create roles", "create rolebindings",
        ]);
    }

    [Fact]
    public void ClusterRole_IsReadOnlyOnNodesAndPodsAndHasNoWildcards()
    {
        var rules = RenderedChart.Render().Single<V1ClusterRole>("ClusterRole").Rules;

        rules.SelectMany(r => r.ApiGroups.Concat(r.Resources).Concat(r.Verbs)).Should().NotContain("*");
        foreach (var resource in new[] { "nodes", "pods" })
        {
            foreach (var write in new[] { "create", "update", "patch", "delete", "deletecollection" })
            {
                RbacRules.Allows(rules, new RbacRequest("", resource, write, null, "x")).Should().BeFalse($"{write} {resource} is not needed");
            }
        }

        RbacRules.Allows(rules, new RbacRequest("coordination.k8s.io", "leases", "get", "team-a", "x")).Should().BeFalse("Leases are in the Role");
    }

    [Fact]
    public void ClusterRole_FollowsTheOwnedKindsTable_ListAndWatchWhenWatched_NoGetWhenReadFromACache()
    {
        var rules = RenderedChart.Render().Single<V1ClusterRole>("ClusterRole").Rules;

        foreach (var kind in Parley.Operator.Kinds.OwnedKinds.All)
        {
            var (group, plural) = (kind.Resource.Group, kind.Resource.Plural);
            foreach (var verb in new[] { "list", "watch" })
            {
                RbacRules.Allows(rules, new RbacRequest(group, plural, verb, null, null)).Should().Be(kind.Watching != Parley.Operator.Kinds.Watching.Never, $"{verb} {plural}");
            }

            foreach (var verb in new[] { "create", "update", "delete" })
            {
                RbacRules.Allows(rules, new RbacRequest(group, plural, verb, "team-a", "x")).Should().Be(kind.IsApplied, $"{verb} {plural}");
            }

            // A Secret the user names (the worker's API key) is the one object read by name.
            var readsByName = kind.ReadFrom == Parley.Operator.Kinds.ReadSource.Api || kind.Type == typeof(V1Secret);
            RbacRules.Allows(rules, new RbacRequest(group, plural, "get", "team-a", "x")).Should().Be(readsByName, $"get {plural}");
        }
    }

    [Fact]
    public void Rules_ADeniedRequest_IsReported()
    {
        var rules = RenderedChart.Render().Single<V1ClusterRole>("ClusterRole").Rules;
        var record = new Parley.LocalCluster.Api.RequestRecord("DELETE", "/api/v1/nodes/gpu-0", "", 200);

        RbacRules.Allows(rules, RbacRequest.From(record)!).Should().BeFalse();
    }

    [Fact]
    public void LeaseRole_WithoutLeaderElection_IsNotRendered()
    {
        RenderedChart.Render("charts/parley/ci/single-values.yaml").Documents
            .Select(d => d["kind"]!.GetValue<string>()).Should().NotContain("Role").And.NotContain("ServiceAccount");
    }

    private static async Task<IReadOnlyList<RbacRequest>> RunTheOperatorThroughALifecycleAsync()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml", startOperator: false);
        harness.Api.Store.Upsert("customresourcedefinitions", new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = "servicemonitors.monitoring.coreos.com" },
        });
        harness.Api.Requests.Clear();
        var options = OperatorHarness.FastOptions(leaderElection: true) with { LeaseNamespace = ReleaseNamespace };
        var host = harness.StartOperator(options);
        // The test acts on the store directly, not over HTTP, so that every logged request is the operator's.
        var chat = Manifests.ReadAll<ChatDeployment>(FullChat, ChatDeployment.KindValue).Single();
        harness.Api.Store.Upsert(ChatDeployment.Plural, Manifests.ToJson(chat).AsObject());
        await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1Ingress>("team-a", "r1-ui"), _ => true, "the UI Ingress");
        harness.MarkAvailable("team-a", "r1-worker");
        harness.MarkAvailable("team-a", "r1-ui");
        harness.MarkAvailable("team-a", "r1-router"); // autoscaling puts the router in front of the workers
        await OperatorHarness.EventuallyAsync(() => harness.Chat("team-a", "r1"), c => c.Status?.Phase == "Ready", "Ready");

        // A spec change updates the worker; deleting runs the finalizer; stopping hands the Lease over.
        harness.Api.Store.Update(ChatDeployment.Plural, "team-a", "r1",
            c => c["spec"]!["worker"] = new JsonObject { ["tuning"] = new JsonObject { ["targetConcurrency"] = 8 } });
        await OperatorHarness.EventuallyAsync(() => harness.Chat("team-a", "r1"), c => c.Status?.ObservedGeneration == c.Metadata.Generation && c.Metadata.Generation > 1, "the new generation");
        harness.Api.Store.Delete(ChatDeployment.Plural, "team-a", "r1");
        await OperatorHarness.EventuallyAsync(() => (object?)(harness.Chat("team-a", "r1") is null ? "gone" : null), _ => true, "the ChatDeployment to go");
        await harness.StopOperatorAsync(host);

        return harness.Api.Requests.All.Select(RbacRequest.From).OfType<RbacRequest>().ToList();
    }
}
