// With a named tool_choice the whole answer is the function's arguments (decoding kept it to the parameters schema):
// the first piece opens the call with its id and name, every piece streams on as arguments.
namespace Parley.Engine.Text.ToolCalls;

/// <summary>Reads an answer constrained to one named function's arguments.</summary>
public sealed class NamedToolCallParser(string function) : IToolCallParser
{
    private bool _opened;

    public ToolParse Append(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_opened && text.Length == 0)
            return ToolParse.Empty;
        var delta = _opened ? new ToolCallDelta(0, null, null, text) : new ToolCallDelta(0, ToolCallIds.OpenAi(), function, text.TrimStart());
        _opened = true;
        return new ToolParse("", [delta]);
    }

    public ToolParse Finish() => ToolParse.Empty;
}
