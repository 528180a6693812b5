// Splits generated text into reasoning (between <think> and </think>) and the answer, as text streams in. A tag split
// across deltas is held back until it is complete, so no delta ever carries half a tag.
//   deepseek_r1: the chat template already opened "<think>\n" in the prompt, so output is reasoning until "</think>"
//                (an opening tag the model repeats is dropped).
//   qwen3:       output is reasoning only when it starts with "<think>"; with enable_thinking false the template closes
//                an empty think block in the prompt and the output is all answer.
namespace Parley.Engine.Text;

/// <summary>How a model marks its reasoning.</summary>
public enum ReasoningFormat
{
    DeepSeekR1,
    Qwen3,
}

/// <summary>The <c>--reasoning-parser</c> names, as vLLM spells them.</summary>
public static class ReasoningFormats
{
    /// <summary>The format for a flag value; null for <c>none</c> or empty.</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static ReasoningFormat? Parse(string? name) => name?.ToLowerInvariant().Replace('-', '_') switch
    {
        null or "" or "none" => null,
        "deepseek_r1" => ReasoningFormat.DeepSeekR1,
        "qwen3" => ReasoningFormat.Qwen3,
        _ => throw new ArgumentException($"Unknown reasoning parser '{name}'; use deepseek_r1, qwen3 or none.", nameof(name)),
    };
}

/// <summary>The reasoning and answer text one delta adds.</summary>
public readonly record struct ReasoningDelta(string Reasoning, string Content)
{
    public bool IsEmpty => Reasoning.Length == 0 && Content.Length == 0;
}

/// <summary>Separates reasoning from the answer for one streamed sequence.</summary>
public sealed class ReasoningParser(ReasoningFormat format)
{
    public const string OpenTag = "<think>";
    public const string CloseTag = "</think>";

    private State _state = format == ReasoningFormat.DeepSeekR1 ? State.ReasoningStart : State.Undecided;
    private string _held = "";

    private enum State
    {
        Undecided,
        ReasoningStart,
        Reasoning,
        Content,
    }

    /// <summary>Takes the next piece of generated text.</summary>
    public ReasoningDelta Append(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var input = _held + text;
        _held = "";
        var reasoning = new System.Text.StringBuilder();
        var content = new System.Text.StringBuilder();
        while (input.Length > 0)
        {
            switch (_state)
            {
                case State.Undecided or State.ReasoningStart:
                    if (IsPrefixOf(input, OpenTag))
                    {
                        _held = input; // Could still become "<think>".
                        return new(reasoning.ToString(), content.ToString());
                    }

                    var opens = input.StartsWith(OpenTag, StringComparison.Ordinal);
                    _state = opens || _state == State.ReasoningStart ? State.Reasoning : State.Content;
                    input = opens ? input[OpenTag.Length..] : input;
                    break;
                case State.Reasoning:
                    var close = input.IndexOf(CloseTag, StringComparison.Ordinal);
                    if (close >= 0)
                    {
                        reasoning.Append(input, 0, close);
                        input = input[(close + CloseTag.Length)..];
                        _state = State.Content;
                        break;
                    }

                    var keep = PartialSuffix(input, CloseTag);
                    reasoning.Append(input, 0, input.Length - keep);
                    _held = input[^keep..];
                    input = "";
                    break;
                default:
                    content.Append(input);
                    input = "";
                    break;
            }
        }

        return new(reasoning.ToString(), content.ToString());
    }

    /// <summary>Ends the sequence: text held back as a possible tag goes out as what it turned out to be.</summary>
    public ReasoningDelta Flush()
    {
        var held = _held;
        _held = "";
        return _state is State.Reasoning or State.ReasoningStart ? new(held, "") : new("", held);
    }

    /// <summary>Splits a whole output at once.</summary>
    public static ReasoningDelta Split(ReasoningFormat format, string text)
    {
        var parser = new ReasoningParser(format);
        var first = parser.Append(text);
        var last = parser.Flush();
        return new(first.Reasoning + last.Reasoning, first.Content + last.Content);
    }

    private static bool IsPrefixOf(string text, string tag) => text.Length < tag.Length && tag.StartsWith(text, StringComparison.Ordinal);

    /// <summary>The length of the longest suffix of <paramref name="text"/> that begins <paramref name="tag"/>.</summary>
    internal static int PartialSuffix(string text, string tag)
    {
        for (var length = Math.Min(text.Length, tag.Length - 1); length > 0; length--)
        {
            if (string.CompareOrdinal(text, text.Length - length, tag, 0, length) == 0)
            {
                return length;
            }
        }

        return 0;
    }
}
