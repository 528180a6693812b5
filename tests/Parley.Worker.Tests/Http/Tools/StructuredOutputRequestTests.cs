using Parley.Engine.Constraints;
using Parley.Worker.Http;

namespace Parley.Worker.Tests.Http.Tools;

// Every spelling of an output constraint clients send (OpenAI, vLLM's current and older fields) reads to the same
// constraint; two at once, or a malformed one, is a 400 naming the field.
public class StructuredOutputRequestTests
{
    [Theory]
    [InlineData("""{"response_format": {"type": "json_object"}}""", typeof(JsonObjectOutput), "response_format")]
    [InlineData("""{"response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}, "strict": true}}}""", typeof(JsonSchemaOutput), "response_format")]
    [InlineData("""{"structured_outputs": {"json": {"type": "object"}}}""", typeof(JsonSchemaOutput), "structured_outputs.json")]
    [InlineData("""{"structured_outputs": {"regex": "[a-z]+"}}""", typeof(RegexOutput), "structured_outputs.regex")]
    [InlineData("""{"structured_outputs": {"choice": ["yes", "no"]}}""", typeof(ChoiceOutput), "structured_outputs.choice")]
    [InlineData("""{"structured_outputs": {"grammar": "root ::= \"a\""}}""", typeof(GrammarOutput), "structured_outputs.grammar")]
    [InlineData("""{"guided_json": "{\"type\": \"object\"}"}""", typeof(JsonSchemaOutput), "guided_json")]
    [InlineData("""{"guided_regex": "a|b"}""", typeof(RegexOutput), "guided_regex")]
    [InlineData("""{"guided_choice": ["a"]}""", typeof(ChoiceOutput), "guided_choice")]
    [InlineData("""{"guided_grammar": "root ::= \"a\""}""", typeof(GrammarOutput), "guided_grammar")]
    public void Read_EverySpelling(string body, Type type, string field)
    {
        var (constraint, from) = StructuredOutputRequest.Read(RequestReader.Parse(body))!.Value;

        constraint.Should().BeOfType(type);
        from.Should().Be(field);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"response_format": {"type": "text"}}""")]
    [InlineData("""{"structured_outputs": {"json_object": false}}""")]
    public void Read_NoConstraint_IsNull(string body) => StructuredOutputRequest.Read(RequestReader.Parse(body)).Should().BeNull();

    [Theory]
    [InlineData("""{"response_format": {"type": "json_object"}, "guided_regex": "a"}""", "guided_regex", "Only one output constraint may be given; this request has response_format and guided_regex.")]
    [InlineData("""{"response_format": {"type": "yaml"}}""", "response_format", "response_format.type must be text, json_object or json_schema.")]
    [InlineData("""{"response_format": {"type": "json_schema", "json_schema": {"name": "x"}}}""", "response_format", "response_format json_schema needs json_schema.schema*")]
    [InlineData("""{"guided_json": "{not json"}""", "guided_json", "guided_json is not valid JSON*")]
    [InlineData("""{"guided_json": "[1]"}""", "guided_json", "guided_json must be a JSON Schema object.")]
    [InlineData("""{"guided_choice": []}""", "guided_choice", "guided_choice must be a non-empty list of non-empty strings.")]
    [InlineData("""{"guided_choice": ["a", 1]}""", "guided_choice", "guided_choice must be a non-empty list*")]
    [InlineData("""{"guided_regex": ""}""", "guided_regex", "guided_regex must be a non-empty string.")]
    public void Read_Malformed_Is400NamingTheField(string body, string param, string message)
    {
        var act = () => StructuredOutputRequest.Read(RequestReader.Parse(body));

        var error = act.Should().Throw<ApiException>().Which;
        (error.Status, error.Param).Should().Be((400, param));
        error.Message.Should().Match(message);
    }
}
