// With tool_choice "required" the answer is a JSON list of {"name", "parameters"} calls (decoding kept it so). Each
// call is sent when its object closes, name and whole arguments at once: a call is never half-announced.
using System.Text;
using System.Text.Json;
using Parley.Engine.Text.ToolCalls;

namespace Parley.Worker.Http.Tools;

/// <summary>Reads an answer constrained to a list of calls.</summary>
public sealed class RequiredToolCallsParser : IToolCallParser
{
    private readonly StringBuilder _element = new();
    private int _depth;
    private bool _inString;
    private bool _escaped;
    private int _calls;

    public ToolParse Append(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<ToolCallDelta>? calls = null;
        foreach (var c in text)
        {
            if (_depth >= 2 || (_depth == 1 && c == '{'))
                _element.Append(c);
            if (_inString)
            {
                (_escaped, _inString) = (!_escaped && c == '\\', _escaped || c != '"');
                continue;
            }

            switch (c)
            {
                case '"':
                    _inString = true;
                    break;
                case '{' or '[':
                    _depth++;
                    break;
                case '}' or ']':
                    _depth--;
                    if (_depth == 1 && c == '}')
                        (calls ??= []).Add(Call(_element.ToString()));
                    break;
            }

            if (_depth <= 1 && c is '}')
                _element.Clear();
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
        return new ToolCallDelta(_calls++, ToolCallId.New(), root.GetProperty("name").GetString()!, arguments);
    }
}
