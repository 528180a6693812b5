// parallel_tool_calls false: the first call is kept and any later one dropped, as vLLM does when a model writes
// several anyway.
using Parley.Engine.Text.ToolCalls;

namespace Parley.Worker.Http.Tools;

/// <summary>Passes content and the first tool call only.</summary>
public sealed class FirstCallOnlyParser(IToolCallParser inner) : IToolCallParser
{
    public ToolParse Append(string text) => Keep(inner.Append(text));

    public ToolParse Finish() => Keep(inner.Finish());

    private static ToolParse Keep(ToolParse parse) =>
        parse.Calls.All(call => call.Index == 0) ? parse : parse with { Calls = parse.Calls.Where(call => call.Index == 0).ToList() };
}
