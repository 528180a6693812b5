using System.Text.Json.Nodes;
using Parley.Operator.Reconciliation;

namespace Parley.Operator.Tests.Reconciliation;

public class SetFieldsTests
{
    private const string Desired = """{"metadata":{"name":"a","labels":{"x":"1"}},"spec":{"replicas":1,"containers":[{"name":"w","args":["--a"]}]}}""";

    [Fact]
    public void Match_FieldsTheServerDefaulted_AreNotDrift()
    {
        var existing = Obj("""{"metadata":{"name":"a","uid":"u","labels":{"x":"1","other":"y"}},"spec":{"replicas":1,"revisionHistoryLimit":10,"containers":[{"name":"w","args":["--a"],"imagePullPolicy":"IfNotPresent"}]},"status":{}}""");

        SetFields.Match(existing, Obj(Desired)).Should().BeTrue();
    }

    [Theory]
    [InlineData("""{"metadata":{"name":"a","labels":{"x":"2"}},"spec":{"replicas":1,"containers":[{"name":"w","args":["--a"]}]}}""")]
    [InlineData("""{"metadata":{"name":"a","labels":{"x":"1"}},"spec":{"replicas":1,"containers":[{"name":"w","args":["--b"]}]}}""")]
    [InlineData("""{"metadata":{"name":"a","labels":{"x":"1"}},"spec":{"replicas":1,"containers":[{"name":"w","args":["--a","--b"]}]}}""")]
    [InlineData("""{"metadata":{"name":"a","labels":{"x":"1"}},"spec":{"containers":[{"name":"w","args":["--a"]}]}}""")]
    public void Match_AnEditedFieldParleySets_IsDrift(string existing)
    {
        SetFields.Match(Obj(existing), Obj(Desired)).Should().BeFalse();
    }

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();
}
