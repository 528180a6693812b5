// Mistral calls, in the forms its tokenizers have used (vLLM's mistral parser reads them all):
//   v0.3 (tokenizer v3):    [TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}}, {...}]
//   tokenizer v11:          [TOOL_CALLS]get_weather{"city": "Paris"}[TOOL_CALLS]other{...}
//   later tokenizers:       [TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}[TOOL_CALLS]other[ARGS]{...}
// [TOOL_CALLS] and [ARGS] are special tokens. Text before the first marker is content; whitespace after a call is
// dropped. A name the answer ends on is a call without arguments ("{}"), as in vLLM. Ids are 9 letters and digits,
// the only form Mistral's chat templates accept back.
using System.Text;

namespace Parley.Engine.Text.ToolCalls;

internal sealed class MistralToolCallParser : NamedCallToolCallParser
{
    public const string ToolCallsMarker = "[TOOL_CALLS]";
    public const string ArgsMarker = "[ARGS]";

    private readonly MarkerWatch _callsMarker = new(ToolCallsMarker);
    private readonly MarkerWatch _argsMarker = new(ArgsMarker);
    private readonly StringBuilder _name = new();
    private int _nameCheckedCount;
    private State _state = State.Content;

    private enum State
    {
        Content,
        AfterMarker,
        ListElement,
        ListCall,
        ListNext,
        Name,
        Arguments,
        AfterCall,
        DropToMarker,
    }

    protected override string NewCallId() => ToolCallIds.Mistral();

    protected override void Read(char c)
    {
        switch (_state)
        {
            case State.Content:
                if (_callsMarker.Feed(c, Content) is not null)
                {
                    Hold(ToolCallsMarker, State.AfterMarker);
                }

                break;
            case State.AfterMarker when JsonValueScanner.IsWhitespace(c):
            case State.ListElement when JsonValueScanner.IsWhitespace(c):
                Held.Append(c);
                break;
            case State.AfterMarker when c == '[':
                Held.Append(c);
                _state = State.ListElement;
                break;
            case State.AfterMarker:
                _name.Clear();
                _nameCheckedCount = 0;
                _state = State.Name;
                Read(c);
                break;
            case State.ListElement:
                StartCallObject(Held.ToString(), "arguments");
                Held.Clear();
                _state = State.ListCall;
                Read(c);
                break;
            case State.ListCall:
                ReadListCall(c);
                break;
            case State.ListNext:
                ReadListNext(c);
                break;
            case State.Name:
                ReadName(c);
                break;
            case State.Arguments:
                ReadArguments(c);
                break;
            case State.AfterCall when JsonValueScanner.IsWhitespace(c):
                break;
            case State.AfterCall:
                _state = State.Content;
                Read(c);
                break;
            case State.DropToMarker:
                if (_callsMarker.Skip(c))
                {
                    Hold(ToolCallsMarker, State.AfterMarker);
                }

                break;
        }
    }

    protected override void End()
    {
        Content.Append(_callsMarker.TakeHeld());
        EndCallObject();
        if (_state == State.Name && IsName(_name.Append(_argsMarker.TakeHeld())))
        {
            OpenCall(_name.ToString());
            AppendArguments("{}");
        }
        else if (_state is State.AfterMarker or State.Name or State.ListElement || (_state == State.Arguments && !IsCallOpen))
        {
            Reject();
        }
        else if (_state == State.Arguments)
        {
            EndArguments();
        }

        CloseCall();
    }

    protected override void ForgetPartialMarkup() => _argsMarker.TakeHeld();

    protected override void ResumeContent() => _state = State.Content;

    private void Hold(string markup, State next)
    {
        Held.Clear().Append(markup);
        _state = next;
    }

    private void ReadListCall(char c)
    {
        switch (ReadCallObject(c))
        {
            case CallOutcome.Completed:
                _state = State.ListNext;
                break;
            case CallOutcome.Broken:
                _state = State.DropToMarker;
                break;
            case CallOutcome.Rejected:
                _state = State.Content;
                Read(c);
                break;
        }
    }

    private void ReadListNext(char c)
    {
        if (c == ',')
        {
            Hold("", State.ListElement);
        }
        else if (c == ']')
        {
            _state = State.AfterCall;
        }
        else if (!JsonValueScanner.IsWhitespace(c))
        {
            _state = State.Content; // A list that never closes: what follows is content.
            Read(c);
        }
    }

    private void ReadName(char c)
    {
        if (c == '{')
        {
            // The v11 form: the arguments follow the name directly.
            _name.Append(_argsMarker.TakeHeld());
            if (IsName(_name))
            {
                ExpectArguments(_name.ToString());
                _state = State.Arguments;
                Read(c);
                return;
            }
        }

        Held.Append(c);
        if (_argsMarker.Feed(c, _name) is not null)
        {
            ExpectArguments(_name.ToString());
            _state = _name.Length > 0 ? State.Arguments : State.Name;
            if (_state == State.Name)
            {
                RejectAndReread(null);
            }

            return;
        }

        for (; _nameCheckedCount < _name.Length; _nameCheckedCount++)
        {
            if (!IsNameCharacter(_name[_nameCheckedCount]))
            {
                Held.Length--;
                RejectAndReread(c);
                return;
            }
        }
    }

    private void ReadArguments(char c)
    {
        switch (ReadCallArguments(c))
        {
            case ArgumentsOutcome.Completed:
                _state = State.AfterCall;
                break;
            case ArgumentsOutcome.EndedBefore:
                _state = State.AfterCall;
                Read(c);
                break;
            case ArgumentsOutcome.Broken:
                _state = State.DropToMarker;
                Read(c);
                break;
        }
    }

    private static bool IsName(StringBuilder text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        foreach (var chunk in text.GetChunks())
        {
            foreach (var c in chunk.Span)
            {
                if (!IsNameCharacter(c))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
