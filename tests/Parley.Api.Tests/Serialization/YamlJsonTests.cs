using System.Text.Json.Nodes;
using Parley.Api.Serialization;

namespace Parley.Api.Tests.Serialization;

public class YamlJsonTests
{
    [Fact]
    public void ParseDocuments_ResolvesPlainScalarsByTheCoreSchema()
    {
        var node = YamlJson.ParseDocuments("a: 1\nb: 1.5\nc: true\nd: ~\ne: '1'\nf: text\ng: \"true\"\n").Single();

        node.ToJsonString().Should().Be("""{"a":1,"b":1.5,"c":true,"d":null,"e":"1","f":"text","g":"true"}""");
    }

    [Fact]
    public void ParseDocuments_SkipsEmptyDocuments()
    {
        YamlJson.ParseDocuments("---\na: 1\n---\n---\nb: 2\n").Should().HaveCount(2);
    }

    [Fact]
    public void ParseDocuments_DuplicateKey_IsAnError()
    {
        var parse = () => YamlJson.ParseDocuments("a: 1\na: 2\n");

        parse.Should().Throw<YamlDotNet.Core.YamlException>().WithMessage("*Duplicate key*a*");
    }

    [Theory]
    [InlineData("true")]
    [InlineData("yes")]
    [InlineData("on")]
    [InlineData("1")]
    [InlineData("0.89")]
    [InlineData("null")]
    [InlineData("")]
    [InlineData("012")]
    [InlineData("line one\nline two\n")]
    [InlineData("trailing space \nx")]
    [InlineData("{% if x %}: [y]")]
    public void Write_ThenParse_KeepsStringsAsStrings(string text)
    {
        var yaml = YamlJson.WriteDocument(new JsonObject { ["value"] = text });

        YamlJson.ParseDocuments(yaml).Single()["value"]!.GetValue<string>().Should().Be(text);
    }

    [Fact]
    public void Write_MultiLineString_UsesLiteralBlock()
    {
        YamlJson.WriteDocument(new JsonObject { ["t"] = "a\nb\n" }).Should().Be("t: |\n  a\n  b\n");
    }

    [Fact]
    public void Write_ManyDocuments_SeparatesThem()
    {
        YamlJson.Write([new JsonObject { ["a"] = 1 }, new JsonObject { ["b"] = new JsonArray(1, 2) }]).Should().Be("a: 1\n---\nb:\n- 1\n- 2\n");
    }
}
