// The part shared by families that write a call's name in markup and its arguments as a bare JSON value after it
// (DeepSeek; Mistral's tokenizer v11 and later forms). From the first marker of a call until the call is announced, its
// markup is held, so a call that proves malformed before then goes back to content whole (see MarkupToolCallParser).
// The call is announced at the first character of its arguments, when its name is known and its arguments can start
// streaming; a call that breaks after that can only be closed, as a stream cannot take back what it sent.
using System.Text;

namespace Parley.Engine.Text.ToolCalls;

/// <summary>What reading a character of a call's arguments came to.</summary>
internal enum ArgumentsOutcome
{
    Pending,

    /// <summary>The character completed the arguments; the call is closed.</summary>
    Completed,

    /// <summary>The arguments ended before the character (a number does); the call is closed; the family reads the character again.</summary>
    EndedBefore,

    /// <summary>Not arguments, and the call was never announced: its markup is content, and the character was read again.</summary>
    Rejected,

    /// <summary>Malformed after the call was announced: the call is closed; drop the rest of its markup.</summary>
    Broken,
}

/// <summary>Held markup and JSON arguments for the families that name a call before its arguments.</summary>
internal abstract class NamedCallToolCallParser : MarkupToolCallParser
{
    private JsonValueScanner _arguments = new();
    private string _name = "";

    /// <summary>Markup of the call being read, not yet announced; released as content if it proves not a call.</summary>
    protected StringBuilder Held { get; } = new();

    /// <summary>The family's partial markup of a rejected call is forgotten (a marker half matched inside it).</summary>
    protected abstract void ForgetPartialMarkup();

    /// <summary>The family goes back to reading content.</summary>
    protected abstract void ResumeContent();

    /// <summary>A call was announced by <see cref="ReadCallArguments"/>.</summary>
    protected virtual void OnCallAnnounced()
    {
    }

    /// <summary>The call's name is known: its arguments value starts at the next character.</summary>
    protected void ExpectArguments(string name)
    {
        _name = name;
        _arguments = new JsonValueScanner();
    }

    /// <summary>Reads a character of the arguments of the call named by <see cref="ExpectArguments"/>.</summary>
    protected ArgumentsOutcome ReadCallArguments(char c)
    {
        var step = _arguments.Feed(c);
        if (!IsCallOpen && step is JsonStep.Inside or JsonStep.Completed)
        {
            OpenCall(_name);
            OnCallAnnounced();
        }

        switch (step)
        {
            case JsonStep.Leading:
                Held.Append(c);
                return ArgumentsOutcome.Pending;
            case JsonStep.Inside:
                AppendArguments(c);
                return ArgumentsOutcome.Pending;
            case JsonStep.Completed:
                AppendArguments(c);
                CloseCall();
                return ArgumentsOutcome.Completed;
            case JsonStep.EndedBefore:
                CloseCall();
                return ArgumentsOutcome.EndedBefore;
            case JsonStep.Invalid when IsCallOpen:
                MarkMalformed();
                return ArgumentsOutcome.Broken;
            default:
                RejectAndReread(c);
                return ArgumentsOutcome.Rejected;
        }
    }

    /// <summary>The text ended inside arguments: a value that cannot be complete makes the call malformed.</summary>
    protected void EndArguments()
    {
        if (!_arguments.IsCompleteAtEnd)
        {
            MarkMalformed();
        }
    }

    /// <summary>Rejects the call being read (see <see cref="Reject"/>), then reads <paramref name="c"/> as content.</summary>
    protected void RejectAndReread(char? c)
    {
        Reject();
        ResumeContent();
        if (c is { } next)
        {
            Read(next);
        }
    }

    /// <summary>The call being read is not a call after all: its held markup becomes content.</summary>
    protected void Reject()
    {
        Content.Append(Held);
        Held.Clear();
        ForgetPartialMarkup();
        MarkMalformed();
    }
}
