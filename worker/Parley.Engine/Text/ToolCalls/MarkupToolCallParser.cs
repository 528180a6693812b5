// The part every family's parser shares: it turns what a family's state machine finds (content characters, a call
// opening with its name, argument pieces, a call closing) into the ToolParse of one Append, merging argument pieces of
// the same call so one Append yields at most a few deltas. Families read one character at a time, so what they
// produce cannot depend on how the text was cut into pieces: streaming and whole-text parsing agree by construction.
//
// Malformed calls. Before a call is announced (its name and the start of its arguments are known), its text is held;
// if the text then turns out not to be a call, all of it is released as content, as vLLM's whole-text parsers do.
// Once announced, a call cannot be taken back from a stream: if its arguments break, the call ends with the arguments
// sent so far and the rest of its markup is dropped. Either way HasMalformedCall is set, and ParseWhole then returns
// the whole text as content with no calls, which is what vLLM's non-streaming parsers answer for any bad call.
using System.Text;

namespace Parley.Engine.Text.ToolCalls;

/// <summary>What reading a character of a call object came to.</summary>
internal enum CallOutcome
{
    Pending,
    Completed,

    /// <summary>Not a call after all, and never announced: its text is now content; read the character again as content.</summary>
    Rejected,

    /// <summary>Malformed after it was announced: the call is closed; drop the rest of its markup.</summary>
    Broken,
}

/// <summary>Shared output bookkeeping for the family parsers.</summary>
internal abstract class MarkupToolCallParser : IToolCallParser
{
    private readonly StringBuilder _content = new();
    private readonly List<ToolCallDelta> _deltas = [];
    private readonly StringBuilder _arguments = new(); // Arguments of _deltas[^1], which belongs to the open call.
    private readonly StringBuilder _heldCallText = new();
    private int _callCount;
    private CallObjectReader? _callObject;
    private int _openCall = -1;

    /// <summary>True when some call in the text was not well formed (see the file header).</summary>
    public bool HasMalformedCall { get; private set; }

    /// <summary>True while a call has been announced and not yet closed.</summary>
    protected bool IsCallOpen => _openCall >= 0;

    public ToolParse Append(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            Read(c);
        }

        return Drain();
    }

    public ToolParse Finish()
    {
        End();
        return Drain();
    }

    /// <summary>Reads the next character of the answer.</summary>
    protected abstract void Read(char c);

    /// <summary>The answer has ended: release held content, close or give up an unfinished call.</summary>
    protected abstract void End();

    /// <summary>Reads again, as the state now says, letters that were taken for markup that then did not come.</summary>
    protected void Reread(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            Read(c);
        }
    }

    /// <summary>A new id for a call, in the form this family's clients accept.</summary>
    protected virtual string NewCallId() => ToolCallIds.OpenAi();

    /// <summary>Function names in OpenAI's API: letters, digits, underscores, dashes (and dots, which some tools use).</summary>
    /// <remarks>Families whose names are not inside JSON end a name at the first other character.</remarks>
    protected static bool IsNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';

    /// <summary>Content accumulates here; families append released text directly.</summary>
    protected StringBuilder Content => _content;

    protected void OpenCall(string name)
    {
        SealLastDelta();
        _openCall = _callCount++;
        _deltas.Add(new ToolCallDelta(_openCall, NewCallId(), name, ""));
    }

    protected void AppendArguments(char c) => ArgumentsOfOpenCall().Append(c);

    protected void AppendArguments(string piece) => ArgumentsOfOpenCall().Append(piece);

    // Pieces of one call within one Append become one delta; its text is built once, when the delta is sealed.
    private StringBuilder ArgumentsOfOpenCall()
    {
        if (_deltas.Count == 0 || _deltas[^1].Index != _openCall)
        {
            SealLastDelta();
            _deltas.Add(new ToolCallDelta(_openCall, null, null, ""));
        }

        return _arguments;
    }

    private void SealLastDelta()
    {
        if (_deltas.Count > 0 && _arguments.Length > 0)
        {
            _deltas[^1] = _deltas[^1] with { Arguments = _arguments.ToString() };
        }

        _arguments.Clear();
    }

    protected void CloseCall() => _openCall = -1;

    /// <summary>A call turned out malformed; ParseWhole will answer with the whole text as content.</summary>
    protected void MarkMalformed()
    {
        HasMalformedCall = true;
        CloseCall();
    }

    /// <summary>Starts reading a call written as a JSON object; <paramref name="markup"/> (the marker that began it)
    /// is held with the call's text in case the call turns out malformed before it was announced.</summary>
    protected void StartCallObject(string markup, params string[] argumentKeys)
    {
        _heldCallText.Clear().Append(markup);
        _callObject = new CallObjectReader(argumentKeys);
    }

    /// <summary>Reads a character of the call object started by <see cref="StartCallObject"/>.</summary>
    protected CallOutcome ReadCallObject(char c)
    {
        var reader = _callObject ?? throw new InvalidOperationException("No call object is being read.");
        var step = reader.Feed(c);
        if (step == CallObjectStep.Invalid)
        {
            var wasAnnounced = IsCallOpen;
            GiveUpCallObject();
            return wasAnnounced ? CallOutcome.Broken : CallOutcome.Rejected;
        }

        if (!IsCallOpen)
        {
            _heldCallText.Append(c);
            if (reader.IsReadyToOpen)
            {
                OpenCall(reader.Name!);
            }
        }

        if (IsCallOpen)
        {
            if (reader.HasPendingArguments)
            {
                reader.TakeArguments(ArgumentsOfOpenCall());
            }
        }

        if (step == CallObjectStep.Completed)
        {
            if (!reader.HasArguments)
            {
                AppendArguments("{}"); // No arguments written: OpenAI clients expect an object to parse.
            }

            CloseCall();
            _callObject = null;
            return CallOutcome.Completed;
        }

        return CallOutcome.Pending;
    }

    /// <summary>The text ended inside a call object: it is malformed (see <see cref="ReadCallObject"/>).</summary>
    protected void EndCallObject()
    {
        if (_callObject is not null)
        {
            GiveUpCallObject();
        }
    }

    private void GiveUpCallObject()
    {
        if (!IsCallOpen)
        {
            _content.Append(_heldCallText);
        }

        _heldCallText.Clear();
        _callObject = null;
        MarkMalformed();
    }

    private ToolParse Drain()
    {
        SealLastDelta();
        if (_content.Length == 0 && _deltas.Count == 0)
        {
            return ToolParse.Empty;
        }

        var parse = new ToolParse(_content.ToString(), _deltas.ToArray());
        _content.Clear();
        _deltas.Clear();
        return parse;
    }
}
