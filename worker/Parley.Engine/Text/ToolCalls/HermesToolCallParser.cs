// Hermes-style calls, written by Qwen2.5, Qwen3 and the Hermes models (their chat templates teach the format):
//   text<tool_call>
//   {"name": "get_weather", "arguments": {"city": "Paris"}}
//   </tool_call>
//   <tool_call>
//   {...}
//   </tool_call>
// Text before a call is content, whitespace around calls is dropped, text after a call is content again. A last call
// whose closing tag never comes still counts once its JSON object is complete (vLLM accepts it too).
namespace Parley.Engine.Text.ToolCalls;

internal sealed class HermesToolCallParser : MarkupToolCallParser
{
    public const string StartTag = "<tool_call>";
    public const string EndTag = "</tool_call>";

    private readonly MarkerWatch _startTag = new(StartTag);
    private readonly MarkerWatch _endTag = new(EndTag);
    private State _state = State.Content;
    private int _endTagMatchedCount;

    private enum State
    {
        Content,
        CallObject,
        EndTag,
        DropToEndTag,
        AfterCall,
    }

    protected override void Read(char c)
    {
        switch (_state)
        {
            case State.Content:
                if (_startTag.Feed(c, Content) is not null)
                {
                    StartCallObject(StartTag, "arguments");
                    _state = State.CallObject;
                }

                break;
            case State.CallObject:
                var outcome = ReadCallObject(c);
                _state = outcome switch
                {
                    CallOutcome.Completed => State.EndTag,
                    CallOutcome.Broken => State.DropToEndTag,
                    CallOutcome.Rejected => State.Content,
                    _ => State.CallObject,
                };
                if (outcome is CallOutcome.Rejected or CallOutcome.Broken)
                {
                    Read(c); // The character that broke the call may begin the tag that ends it, or content.
                }

                break;
            case State.EndTag:
                ReadEndTag(c);
                break;
            case State.DropToEndTag:
                _state = _endTag.Skip(c) ? State.AfterCall : State.DropToEndTag;
                break;
            case State.AfterCall when JsonValueScanner.IsWhitespace(c):
                break;
            case State.AfterCall:
                _state = State.Content;
                Read(c);
                break;
        }
    }

    protected override void End()
    {
        Content.Append(_startTag.TakeHeld());
        EndCallObject();
    }

    private void ReadEndTag(char c)
    {
        if (_endTagMatchedCount == 0 && JsonValueScanner.IsWhitespace(c))
        {
            return;
        }

        if (c == EndTag[_endTagMatchedCount])
        {
            _endTagMatchedCount++;
            if (_endTagMatchedCount == EndTag.Length)
            {
                _endTagMatchedCount = 0;
                _state = State.AfterCall;
            }

            return;
        }

        // No closing tag after a complete call: what follows is content, from the letters taken for the tag (which
        // may begin the next call's "<tool_call>").
        var taken = EndTag.AsSpan(0, _endTagMatchedCount);
        _endTagMatchedCount = 0;
        _state = State.Content;
        Reread(taken);
        Read(c);
    }
}
