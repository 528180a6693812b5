// DeepSeek calls, written with special tokens (full-width bars, "▁" for spaces):
//   V3 / R1 (vLLM's deepseek_v3):
//     <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather
//     ```json
//     {"city": "Paris"}
//     ```<｜tool▁call▁end｜>
//     <｜tool▁call▁begin｜>...<｜tool▁call▁end｜><｜tool▁calls▁end｜>
//   V3.1 (vLLM's deepseek_v31): <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{"city": "Paris"}<｜tool▁call▁end｜>...
// Text before the block is content; whitespace inside the block and after it is dropped; text after the block is
// content. A call is announced at the first character of its arguments; markup that goes wrong after its arguments
// completed (a missing closing fence) is skipped up to <｜tool▁call▁end｜> without spoiling the call.
using System.Text;

namespace Parley.Engine.Text.ToolCalls;

internal sealed class DeepSeekToolCallParser(bool isV31) : NamedCallToolCallParser
{
    public const string CallsBegin = "<｜tool▁calls▁begin｜>";
    public const string CallsEnd = "<｜tool▁calls▁end｜>";
    public const string CallBegin = "<｜tool▁call▁begin｜>";
    public const string CallEnd = "<｜tool▁call▁end｜>";
    public const string Separator = "<｜tool▁sep｜>";

    // V3 fences the arguments as a JSON code block.
    private const string OpeningFence = "```json";
    private const string ClosingFence = "```";

    private readonly MarkerWatch _callsBegin = new(CallsBegin);
    private readonly MarkerWatch _fieldEnd = new(Separator, "\n");
    private readonly MarkerWatch _callEnd = new(CallEnd);
    private readonly StringBuilder _field = new();
    private readonly Queue<string> _tail = new();
    private State _state = State.Content;
    private string _name = "";
    private string _literal = "";
    private int _literalMatchedCount;
    private int _blockCallCount;
    private bool _isCallBegun;

    private enum State
    {
        Content,
        BlockMarker,
        Type,
        Name,
        OpeningFence,
        Arguments,
        CallTail,
        DropToCallEnd,
        AfterBlock,
    }

    protected override void Read(char c)
    {
        switch (_state)
        {
            case State.Content:
                if (_callsBegin.Feed(c, Content) is not null)
                {
                    Held.Clear().Append(CallsBegin);
                    _blockCallCount = 0;
                    StartBlockMarker();
                }

                break;
            case State.BlockMarker:
                ReadBlockMarker(c);
                break;
            case State.Type or State.Name:
                ReadField(c);
                break;
            case State.OpeningFence:
                ReadOpeningFence(c);
                break;
            case State.Arguments:
                ReadArguments(c);
                break;
            case State.CallTail:
                ReadCallTail(c);
                break;
            case State.DropToCallEnd:
                if (_callEnd.Skip(c))
                {
                    StartBlockMarker();
                }

                break;
            case State.AfterBlock when JsonValueScanner.IsWhitespace(c):
                break;
            case State.AfterBlock:
                _state = State.Content;
                Read(c);
                break;
        }
    }

    protected override void End()
    {
        Content.Append(_callsBegin.TakeHeld());
        if (_isCallBegun || (_state == State.BlockMarker && _blockCallCount == 0))
        {
            Reject();
        }
        else if (_state == State.Arguments)
        {
            EndArguments();
        }

        CloseCall();
    }

    protected override void ForgetPartialMarkup()
    {
        _fieldEnd.TakeHeld();
        _isCallBegun = false;
    }

    protected override void ResumeContent() => _state = State.Content;

    protected override void OnCallAnnounced()
    {
        _blockCallCount++;
        _isCallBegun = false;
    }

    private void StartBlockMarker()
    {
        _literal = "";
        _literalMatchedCount = 0;
        _state = State.BlockMarker;
    }

    // Between calls: whitespace, then <｜tool▁call▁begin｜> or <｜tool▁calls▁end｜> (they part at their 9th letter).
    private void ReadBlockMarker(char c)
    {
        if (_literalMatchedCount == 0 && JsonValueScanner.IsWhitespace(c))
        {
            Held.Append(c);
            return;
        }

        var option = ContinuedBlockMarker(c);
        if (option is null)
        {
            if (_blockCallCount == 0)
            {
                RejectAndReread(c);
                return;
            }

            // The block stops without its closing marker: read on as content, from the letters taken for a marker.
            _state = State.Content;
            Reread(_literal.AsSpan(0, _literalMatchedCount));
            Read(c);
            return;
        }

        _literal = option;
        Held.Append(c);
        if (++_literalMatchedCount < _literal.Length)
        {
            return;
        }

        if (_literal == CallsEnd)
        {
            _state = State.AfterBlock;
            return;
        }

        if (_blockCallCount > 0)
        {
            Held.Clear().Append(CallBegin); // A later call that proves malformed gives back only its own text.
        }

        _isCallBegun = true;
        _field.Clear();
        _state = isV31 ? State.Name : State.Type;
    }

    private string? ContinuedBlockMarker(char c)
    {
        var matched = _literalMatchedCount;
        foreach (var option in (ReadOnlySpan<string>)[CallBegin, CallsEnd])
        {
            if (matched < option.Length && option[matched] == c && option.AsSpan(0, matched).SequenceEqual(_literal.AsSpan(0, matched)))
            {
                return option;
            }
        }

        return null;
    }

    // V3: the type ("function") up to the separator, then the name up to a newline. V3.1: the name up to the separator.
    private void ReadField(char c)
    {
        Held.Append(c);
        var checkedCount = _field.Length;
        var terminator = _fieldEnd.Feed(c, _field);
        var expected = _state == State.Name && !isV31 ? "\n" : Separator;
        if (terminator is not null)
        {
            if (terminator != expected || _field.Length == 0)
            {
                RejectAndReread(null);
                return;
            }

            FieldDone();
            return;
        }

        for (var i = checkedCount; i < _field.Length; i++)
        {
            if (!(_state == State.Type ? char.IsAsciiLetter(_field[i]) : IsNameCharacter(_field[i])))
            {
                Held.Length--;
                RejectAndReread(c);
                return;
            }
        }
    }

    private void FieldDone()
    {
        if (_state == State.Type)
        {
            _field.Clear();
            _state = State.Name;
            return;
        }

        _name = _field.ToString();
        if (isV31)
        {
            StartArguments();
            return;
        }

        _literal = OpeningFence;
        _literalMatchedCount = 0;
        _state = State.OpeningFence;
    }

    private void ReadOpeningFence(char c)
    {
        var matched = ReadLiteral(c);
        if (matched is false)
        {
            RejectAndReread(c);
        }
        else if (matched is true)
        {
            StartArguments();
        }
    }

    private void StartArguments()
    {
        ExpectArguments(_name);
        _state = State.Arguments;
    }

    private void ReadArguments(char c)
    {
        switch (ReadCallArguments(c))
        {
            case ArgumentsOutcome.Completed:
                StartTail();
                break;
            case ArgumentsOutcome.EndedBefore:
                StartTail();
                Read(c);
                break;
            case ArgumentsOutcome.Broken:
                DropToCallEnd(c);
                break;
        }
    }

    // The call is closed; what remains of its markup is matched letter by letter.
    private void StartTail()
    {
        _tail.Clear();
        if (!isV31)
        {
            _tail.Enqueue(ClosingFence);
        }

        _tail.Enqueue(CallEnd);
        NextTailLiteral();
    }

    private void NextTailLiteral()
    {
        _literal = _tail.Dequeue();
        _literalMatchedCount = 0;
        _state = State.CallTail;
    }

    // After the arguments: V3's closing fence, then <｜tool▁call▁end｜>. Anything else is skipped up to the call's end.
    private void ReadCallTail(char c)
    {
        var matched = ReadLiteral(c);
        if (matched is false)
        {
            DropToCallEnd(c);
        }
        else if (matched is true && _tail.Count > 0)
        {
            NextTailLiteral();
        }
        else if (matched is true)
        {
            StartBlockMarker();
        }
    }

    // Whitespace may come before a literal; then it must match letter by letter. True when it is complete, false when
    // the character does not match, null while it goes on.
    private bool? ReadLiteral(char c)
    {
        if (_literalMatchedCount == 0 && JsonValueScanner.IsWhitespace(c))
        {
            Held.Append(c);
            return null;
        }

        if (c != _literal[_literalMatchedCount])
        {
            return false;
        }

        Held.Append(c);
        return ++_literalMatchedCount == _literal.Length ? true : null;
    }

    private void DropToCallEnd(char c)
    {
        _state = State.DropToCallEnd;
        Read(c);
    }
}
