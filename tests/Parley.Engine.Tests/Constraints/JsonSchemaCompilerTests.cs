// What the JSON Schema compiler refuses (by keyword and JSON path, fit for a 400) and the shapes it chooses where a
// schema allows many: properties in order, no extra keys, bounded whitespace, integer ranges exact at their ends.
using System.Text;
using System.Text.Json.Nodes;
using Parley.Engine.Constraints;

namespace Parley.Engine.Tests.Constraints;

public class JsonSchemaCompilerTests
{
    [Theory]
    [InlineData("""{"type":"object","properties":{"a":{"type":"array","uniqueItems":true}}}""", "'uniqueItems' at #/properties/a")]
    [InlineData("""{"type":"object","properties":{"a/b":{"type":"string","format":"uri"}}}""", "format 'uri' at #/properties/a~1b/format")]
    [InlineData("""{"type":"object","maxProperties":3}""", "'maxProperties' at #")]
    [InlineData("""{"type":"number","maximum":1.5}""", "'maximum' at #")]
    [InlineData("""{"type":"number","minimum":2}""", "'minimum' at #")]
    [InlineData("""{"allOf":[{"type":"string"},{"maxLength":3}]}""", "'allOf' at #")]
    [InlineData("""{"$ref":"https://example.com/other.json"}""", "$ref 'https://example.com/other.json'")]
    [InlineData("""{"$ref":"#/$defs/missing"}""", "points at nothing")]
    [InlineData("""{"type":"object","properties":{"a":{}},"required":["b"]}""", "requires 'b'")]
    [InlineData("""{"type":"string","pattern":"(a)\\1"}""", "backreference")]
    [InlineData("""{"type":"string","pattern":"[a-z]+","maxLength":3}""", "'pattern' at #")]
    [InlineData("""{"type":"integer","minimum":5,"maximum":4}""", "no integer between its bounds")]
    [InlineData("""{"type":"array","minItems":3,"maxItems":2}""", "needs 3 items")]
    [InlineData("""{"type":"banana"}""", "type 'banana'")]
    [InlineData("""false""", "no value is valid")]
    [InlineData("""{"type":"string","anyOf":[{"maxLength":1}]}""", "'anyOf' at # is supported only without sibling keywords; found 'type'")]
    [InlineData("""{"not":{"type":"string"}}""", "'not' at #")]
    [InlineData("""{"type":"integer","multipleOf":2}""", "'multipleOf' at #")]
    public void Compile_UnsupportedOrMalformedSchema_IsRefusedNamingWhereAndWhat(string schema, string named)
    {
        var act = () => Compile(schema);

        act.Should().Throw<ConstraintException>().Which.Message.Should().Contain(named);
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"b":{"type":"integer"},"a":{"type":"integer"}},"required":["a","b"]}""", """{"b":1,"a":2}""", true)]
    [InlineData("""{"type":"object","properties":{"b":{"type":"integer"},"a":{"type":"integer"}},"required":["a","b"]}""", """{"a":2,"b":1}""", false)]
    [InlineData("""{"type":"object","properties":{"a":{"type":"integer"}}}""", """{"a":1,"z":2}""", false)]
    [InlineData("""{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":true}""", """{"a":1,"z":2}""", false)]
    [InlineData("""{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"null"}}}""", """{}""", true)]
    [InlineData("""{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"null"}}}""", """{"b":null}""", true)]
    [InlineData("""{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"null"}}}""", """{,"b":null}""", false)]
    [InlineData("""{"type":"object"}""", """{"any": [1, {"x": null}]}""", true)]
    [InlineData("""{"type":"array","items":{"type":"integer"}}""", "[\n  1,\n  2\n]", true)]
    [InlineData("""{"type":"array","items":{"type":"integer"}}""", "[  1]", false)]
    [InlineData("""{"type":"array","items":{"type":"integer"}}""", "[\n                  1]", false)]
    [InlineData("""{"type":"integer","minimum":-12,"maximum":105}""", "-12", true)]
    [InlineData("""{"type":"integer","minimum":-12,"maximum":105}""", "-13", false)]
    [InlineData("""{"type":"integer","minimum":-12,"maximum":105}""", "105", true)]
    [InlineData("""{"type":"integer","minimum":-12,"maximum":105}""", "106", false)]
    [InlineData("""{"type":"integer","minimum":-12,"maximum":105}""", "007", false)]
    [InlineData("""{"type":"integer","minimum":-12,"maximum":105}""", "-0", false)]
    [InlineData("""{"type":"integer","exclusiveMinimum":0}""", "0", false)]
    [InlineData("""{"type":"integer","exclusiveMinimum":0}""", "1234567890123456789012", true)]
    [InlineData("""{"type":"string"}""", "\"tab\there\"", false)]
    [InlineData("""{"type":"string"}""", "\"tab\\there \\u00e9 \\\" é\"", true)]
    [InlineData("""{"type":"string"}""", "\"\\ud800\"", false)]
    [InlineData("""{"type":"string","maxLength":2}""", "\"é😀\"", true)]
    [InlineData("""{"type":"string","maxLength":2}""", "\"é😀x\"", false)]
    [InlineData("""{"type":"string","pattern":"^a\"b$"}""", "\"a\\\"b\"", true)]
    [InlineData("""{"type":"number","minimum":0}""", "-1", false)]
    [InlineData("""{"type":"number","minimum":0}""", "1.5e-3", true)]
    public void Compile_Schema_AcceptsExactlyTheChosenSpelling(string schema, string document, bool isAccepted)
    {
        var matcher = Compile(schema).Start();

        var accepted = Encoding.UTF8.GetBytes(document).All(value => matcher.Accept(value)) && matcher.Accept(TestVocabularies.Bytes.EosTokenIds[0]);

        accepted.Should().Be(isAccepted);
    }

    private static ITokenConstraint Compile(string schema) =>
        new ConstraintCompiler(TestVocabularies.Bytes).Compile(new JsonSchemaOutput(JsonNode.Parse(schema)!));
}
