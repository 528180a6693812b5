using System.Text.Json.Nodes;
using Parley.Engine.Constraints;
using Parley.Worker.Http;
using Parley.Worker.Http.Tools;

namespace Parley.Worker.Tests.Http.Tools;

// tool_choice required and named become JSON-schema constraints, as vLLM builds them.
public class ToolCallSchemasTests
{
    private const string Tools = """
        {"tools": [
          {"type": "function", "function": {"name": "lookup", "parameters": {"type": "object", "properties": {"item": {"$ref": "#/$defs/item"}}, "$defs": {"item": {"type": "string"}}}}},
          {"type": "function", "function": {"name": "now"}}]
        """;

    private static ChatTools Read(string extra) => ChatTools.Read(RequestReader.Parse(Tools + extra + "}"))!;

    [Fact]
    public void Required_IsAListOfNamedCalls_WithTheDefinitionsAtTheRoot()
    {
        var schema = ((JsonSchemaOutput)ToolCallSchemas.For(Read(""", "tool_choice": "required" """))!).Schema;

        schema["type"]!.GetValue<string>().Should().Be("array");
        schema["minItems"]!.GetValue<int>().Should().Be(1);
        schema["maxItems"].Should().BeNull("parallel calls are allowed by default");
        var calls = schema["items"]!["anyOf"]!.AsArray();
        calls.Select(call => call!["properties"]!["name"]!["const"]!.GetValue<string>()).Should().Equal("lookup", "now");
        calls[0]!["properties"]!["parameters"]!["$defs"].Should().BeNull("definitions move to the root, where #/$defs resolves");
        schema["$defs"]!["item"]!["type"]!.GetValue<string>().Should().Be("string");
    }

    [Fact]
    public void Required_WithoutParallelCalls_AllowsOneCall()
    {
        var schema = ((JsonSchemaOutput)ToolCallSchemas.For(Read(""", "tool_choice": "required", "parallel_tool_calls": false"""))!).Schema;

        schema["maxItems"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public void Named_IsThatFunctionsParameters_AndAutoAndNoneAreFree()
    {
        var named = ((JsonSchemaOutput)ToolCallSchemas.For(Read(""", "tool_choice": {"type": "function", "function": {"name": "lookup"}}"""))!).Schema;

        named["properties"]!["item"]!["$ref"]!.GetValue<string>().Should().Be("#/$defs/item");
        ToolCallSchemas.For(Read("")).Should().BeNull();
        ToolCallSchemas.For(Read(""", "tool_choice": "none" """)).Should().BeNull();
    }
}
