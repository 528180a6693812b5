// With tool_choice "required" the answer is a JSON list of {"name", "parameters"} calls (decoding kept it so). Each
// call is sent when its object closes, name and whole arguments at once: a call is never half-announced.
using System.Text;
using System.Text.Json;

namespace Parley.Engine.Text.ToolCalls;

/// <summary>Reads an answer constrained to a list of calls.</summary>
public sealed class RequiredToolCallsParser : IToolCallParser
{
    private readonly StringBuilder _call = new();
    private JsonValueScanner? _scanner;
    private int _calls;

    public ToolParse Append(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<ToolCallDelta>? calls = null;
        foreach (var c in text)
        {
            // Between calls only the list's own '[', ',', ']' and whitespace come; a '{' opens the next call.
            if (_scanner is null && c != '{')
                continue;
            _scanner ??= new JsonValueScanner();
            _call.Append(c);
            if (_scanner.Feed(c) == JsonStep.Completed)
            {
                (calls ??= []).Add(Call(_call.ToString()));
                _call.Clear();
                _scanner = null;
            }
        }

        return calls is null ? ToolParse.Empty : new ToolParse("", calls);
    }

    public ToolParse Finish() => ToolParse.Empty;

    // The arguments go out as the model wrote them, as a named call's do.
    private ToolCallDelta Call(string json)
    {
        using var call = JsonDocument.Parse(json);
        var root = call.RootElement;
        var arguments = root.TryGetProperty("parameters", out var parameters) ? parameters.GetRawText() : "{}";
        return new ToolCallDelta(_calls++, ToolCallIds.OpenAi(), root.GetProperty("name").GetString()!, arguments);
    }
}
