using System.Text.Json.Nodes;
using Parley.Worker.Http;
using Parley.Worker.Http.Tools;

namespace Parley.Worker.Tests.Http.Tools;

// tools, tool_choice and parallel_tool_calls as OpenAI defines them: what is read, and a 400 naming the field for
// what is malformed, never a silently ignored choice.
public class ChatToolsTests
{
    private const string Weather = """{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}""";
    private const string Time = """{"type": "function", "function": {"name": "get_time"}}""";

    [Theory]
    [InlineData("", ToolChoiceMode.Auto, null)]
    [InlineData(""", "tool_choice": "none" """, ToolChoiceMode.None, null)]
    [InlineData(""", "tool_choice": "auto" """, ToolChoiceMode.Auto, null)]
    [InlineData(""", "tool_choice": "required" """, ToolChoiceMode.Required, null)]
    [InlineData(""", "tool_choice": {"type": "function", "function": {"name": "get_time"}} """, ToolChoiceMode.Named, "get_time")]
    public void Read_ToolChoice(string choice, ToolChoiceMode mode, string? named)
    {
        var tools = ChatTools.Read(RequestReader.Parse($$"""{"tools": [{{Weather}}, {{Time}}]{{choice}}}"""))!;

        (tools.Choice, tools.NamedFunction, tools.ParallelToolCalls).Should().Be((mode, named, true));
        tools.Definitions.Should().HaveCount(2);
    }

    [Fact]
    public void Read_NoTools_IsNull_AndParallelFalseIsKept()
    {
        ChatTools.Read(RequestReader.Parse("""{"messages": []}""")).Should().BeNull();
        ChatTools.Read(RequestReader.Parse("""{"tools": [], "tool_choice": "none"}""")).Should().BeNull();
        ChatTools.Read(RequestReader.Parse($$"""{"tools": [{{Time}}], "parallel_tool_calls": false}"""))!.ParallelToolCalls.Should().BeFalse();
    }

    [Fact]
    public void Parameters_GivesEachFunctionsSchema_AndAnEmptyObjectForNone()
    {
        var parameters = ChatTools.Read(RequestReader.Parse($$"""{"tools": [{{Weather}}, {{Time}}]}"""))!.Parameters();

        parameters["get_weather"]["required"]![0]!.GetValue<string>().Should().Be("city");
        parameters["get_time"].ToJsonString().Should().Be("""{"type":"object","properties":{}}""");
    }

    [Theory]
    [InlineData("""{"tool_choice": "required"}""", "tool_choice", "tool_choice needs tools*")]
    [InlineData("""{"tools": {"name": "f"}}""", "tools", "tools must be a list*")]
    [InlineData("""{"tools": [{"type": "retrieval"}]}""", "tools", "tools[0] must be {\"type\": \"function\"*")]
    [InlineData("""{"tools": [{"type": "function", "function": {"name": "bad name"}}]}""", "tools", "tools[0].function.name must be 1 to 64*")]
    [InlineData("""{"tools": [{"type": "function", "function": {"name": "f", "parameters": "x"}}]}""", "tools", "tools[0].function.parameters must be a JSON Schema object.")]
    [InlineData("""{"tools": [{"type": "function", "function": {"name": "f"}}, {"type": "function", "function": {"name": "f"}}]}""", "tools", "tools[1] repeats the function name 'f'*")]
    [InlineData("""{"tools": [{"type": "function", "function": {"name": "f"}}], "tool_choice": "always"}""", "tool_choice", "tool_choice 'always' is not one of*")]
    [InlineData("""{"tools": [{"type": "function", "function": {"name": "f"}}], "tool_choice": {"type": "function", "function": {"name": "g"}}}""", "tool_choice", "*'g', which is not among the tools (f).")]
    [InlineData("""{"tools": [{"type": "function", "function": {"name": "f"}}], "tool_choice": 3}""", "tool_choice", "tool_choice must be none, auto, required*")]
    public void Read_Malformed_Is400NamingTheField(string body, string param, string message)
    {
        var act = () => ChatTools.Read(RequestReader.Parse(body));

        var error = act.Should().Throw<ApiException>().Which;
        (error.Status, error.Param).Should().Be((400, param));
        error.Message.Should().Match(message);
    }
}
