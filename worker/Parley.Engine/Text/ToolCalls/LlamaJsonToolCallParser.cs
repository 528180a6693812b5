// Llama 3.1/3.2 JSON calls (vLLM's llama3_json). The chat template asks for a bare JSON object, and the model may
// also begin with <|python_tag|>; several calls are separated by ";" or whitespace:
//   {"name": "get_weather", "parameters": {"city": "Paris"}}
//   <|python_tag|>{"name": "a", "parameters": {}}; {"name": "b", "parameters": {}}
// A bare "{" counts only at the start of the answer (leading whitespace allowed), as in vLLM: a JSON object later in
// prose is prose. An object that is not a call ({"answer": 42}) is content. "parameters" becomes the arguments
// ("arguments" is accepted too). Calls have no closing markup, so a call whose arguments break ends the answer's parse.
using System.Text;

namespace Parley.Engine.Text.ToolCalls;

internal sealed class LlamaJsonToolCallParser : MarkupToolCallParser
{
    public const string PythonTag = "<|python_tag|>";

    private static readonly string[] ArgumentKeys = ["parameters", "arguments"];

    private readonly MarkerWatch _pythonTag = new(PythonTag);
    private readonly StringBuilder _leadingWhitespace = new();
    private State _state = State.Start;

    private enum State
    {
        Start,
        Content,
        CallObject,
        BetweenCalls,
        DropRest,
    }

    protected override void Read(char c)
    {
        switch (_state)
        {
            case State.Start when JsonValueScanner.IsWhitespace(c):
                _leadingWhitespace.Append(c);
                break;
            case State.Start when c == '{':
            case State.BetweenCalls when c == '{':
                StartCallObject(_leadingWhitespace.ToString(), ArgumentKeys);
                _leadingWhitespace.Clear();
                _state = State.CallObject;
                Read(c);
                break;
            case State.Start:
                Content.Append(_leadingWhitespace);
                _leadingWhitespace.Clear();
                _state = State.Content;
                Read(c);
                break;
            case State.Content:
                if (_pythonTag.Feed(c, Content) is not null)
                {
                    StartCallObject(PythonTag, ArgumentKeys);
                    _state = State.CallObject;
                }

                break;
            case State.CallObject:
                ReadCall(c);
                break;
            case State.BetweenCalls when c == ';' || JsonValueScanner.IsWhitespace(c):
            case State.DropRest:
                break;
            case State.BetweenCalls:
                _state = State.Content;
                Read(c);
                break;
        }
    }

    protected override void End()
    {
        Content.Append(_leadingWhitespace).Append(_pythonTag.TakeHeld());
        _leadingWhitespace.Clear();
        EndCallObject();
    }

    private void ReadCall(char c)
    {
        switch (ReadCallObject(c))
        {
            case CallOutcome.Completed:
                _state = State.BetweenCalls;
                break;
            case CallOutcome.Broken:
                _state = State.DropRest;
                break;
            case CallOutcome.Rejected:
                _state = State.Content;
                Read(c);
                break;
        }
    }
}
