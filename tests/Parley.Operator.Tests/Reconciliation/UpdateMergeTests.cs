using System.Text.Json.Nodes;
using Parley.Operator.Reconciliation;

namespace Parley.Operator.Tests.Reconciliation;

public class UpdateMergeTests
{
    [Fact]
    public void Merge_ReplacesOurSpecAndKeepsTheResourceVersion()
    {
        var existing = Obj("""{"metadata":{"name":"a","resourceVersion":"7","labels":{"x":"1"}},"spec":{"old":true},"status":{"ready":1}}""");
        var desired = Obj("""{"metadata":{"name":"a","labels":{"y":"2"}},"spec":{"new":true}}""");

        var merged = UpdateMerge.Merge(existing, desired, "ConfigMap");

        merged["metadata"]!["resourceVersion"]!.GetValue<string>().Should().Be("7");
        merged["spec"]!.ToJsonString().Should().Be("""{"new":true}""");
        merged["metadata"]!["labels"]!.ToJsonString().Should().Be("""{"x":"1","y":"2"}""", "labels other tools set stay");
        merged["status"].Should().BeNull();
    }

    [Fact]
    public void Merge_DeploymentWithoutReplicas_KeepsTheAutoscalersCount()
    {
        var merged = UpdateMerge.Merge(Obj("""{"metadata":{},"spec":{"replicas":5}}"""), Obj("""{"metadata":{},"spec":{"template":{}}}"""), "Deployment");

        merged["spec"]!["replicas"]!.GetValue<int>().Should().Be(5);
    }

    [Fact]
    public void Merge_DeploymentWithReplicas_SetsThem()
    {
        var merged = UpdateMerge.Merge(Obj("""{"metadata":{},"spec":{"replicas":5}}"""), Obj("""{"metadata":{},"spec":{"replicas":2}}"""), "Deployment");

        merged["spec"]!["replicas"]!.GetValue<int>().Should().Be(2);
    }

    [Fact]
    public void Merge_Service_KeepsAllocatedAddressesAndNodePorts()
    {
        var existing = Obj("""{"metadata":{},"spec":{"clusterIP":"10.0.0.7","clusterIPs":["10.0.0.7"],"ports":[{"name":"http","port":80,"nodePort":31000}]}}""");
        var desired = Obj("""{"metadata":{},"spec":{"type":"NodePort","ports":[{"name":"http","port":8080}]}}""");

        var spec = UpdateMerge.Merge(existing, desired, "Service")["spec"]!;

        spec["clusterIP"]!.GetValue<string>().Should().Be("10.0.0.7");
        spec["ports"]![0]!["nodePort"]!.GetValue<int>().Should().Be(31000);
        spec["ports"]![0]!["port"]!.GetValue<int>().Should().Be(8080);
    }

    [Fact]
    public void Merge_Claim_ChangesOnlyTheStorageRequest()
    {
        var existing = Obj("""{"metadata":{},"spec":{"volumeName":"pv-1","storageClassName":"fast","resources":{"requests":{"storage":"2Gi"}}}}""");
        var desired = Obj("""{"metadata":{},"spec":{"storageClassName":"slow","resources":{"requests":{"storage":"5Gi"}}}}""");

        var spec = UpdateMerge.Merge(existing, desired, "PersistentVolumeClaim")["spec"]!;

        spec["volumeName"]!.GetValue<string>().Should().Be("pv-1");
        spec["storageClassName"]!.GetValue<string>().Should().Be("fast");
        spec["resources"]!["requests"]!["storage"]!.GetValue<string>().Should().Be("5Gi");
    }

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();
}
