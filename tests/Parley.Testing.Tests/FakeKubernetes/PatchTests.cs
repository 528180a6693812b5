using System.Text.Json.Nodes;
using Parley.LocalCluster.Api;

namespace Parley.Testing.Tests.FakeKubernetes;

public sealed class MergePatchTests
{
    [Theory]
    // Cases from RFC 7386, appendix A.
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void Apply_FollowsRfc7386(string target, string patch, string expected)
    {
        var result = MergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch));

        JsonNode.DeepEquals(result, JsonNode.Parse(expected)).Should().BeTrue(result?.ToJsonString());
    }
}

public sealed class JsonPatchTests
{
    [Theory]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"/b","value":2}]""", """{"a":1,"b":2}""")]
    [InlineData("""{"a":[1,3]}""", """[{"op":"add","path":"/a/1","value":2}]""", """{"a":[1,2,3]}""")]
    [InlineData("""{"a":1,"b":2}""", """[{"op":"remove","path":"/a"}]""", """{"b":2}""")]
    [InlineData("""{"a":{"b":1}}""", """[{"op":"move","from":"/a/b","path":"/c"}]""", """{"a":{},"c":1}""")]
    [InlineData("""{"a":[1]}""", """[{"op":"copy","from":"/a/0","path":"/a/-"}]""", """{"a":[1,1]}""")]
    [InlineData("""{"m~n":1,"a/b":2}""", """[{"op":"replace","path":"/m~0n","value":3},{"op":"remove","path":"/a~1b"}]""", """{"m~n":3}""")]
    public void Apply_FollowsRfc6902(string target, string patch, string expected)
    {
        var result = JsonPatch.Apply(JsonNode.Parse(target)!.AsObject(), JsonNode.Parse(patch));

        JsonNode.DeepEquals(result, JsonNode.Parse(expected)).Should().BeTrue(result.ToJsonString());
    }

    [Theory]
    [InlineData("""[{"op":"remove","path":"/missing"}]""")]
    [InlineData("""[{"op":"replace","path":"/a/b/c","value":1}]""")]
    [InlineData("""[{"op":"test","path":"/a","value":2}]""")]
    public void Apply_WhenAnOperationCannotApply_Throws422(string patch)
    {
        var apply = () => JsonPatch.Apply(JsonNode.Parse("""{"a":1}""")!.AsObject(), JsonNode.Parse(patch));

        apply.Should().Throw<ApiStatusException>().Which.Code.Should().Be(422);
    }
}

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "chat", ["tier"] = "gpu" };

    [Theory]
    [InlineData("", true)]
    [InlineData("app=chat", true)]
    [InlineData("app==chat,tier=gpu", true)]
    [InlineData("app=chat,tier=cpu", false)]
    [InlineData("app!=ui", true)]
    [InlineData("missing!=x", true)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData("tier in (cpu,gpu)", true)]
    [InlineData("tier notin (cpu,gpu)", false)]
    [InlineData("app=chat,tier in (cpu)", false)]
    public void Matches_EvaluatesEveryRequirement(string selector, bool expected)
    {
        LabelSelector.Parse(selector).Matches(Labels).Should().Be(expected);
    }

    [Theory]
    [InlineData("app=org/name")]
    [InlineData("bad key=x")]
    [InlineData("tier in cpu")]
    public void Parse_OfAnInvalidSelector_Throws400(string selector)
    {
        var parse = () => LabelSelector.Parse(selector);

        parse.Should().Throw<ApiStatusException>().Which.Code.Should().Be(400);
    }
}
