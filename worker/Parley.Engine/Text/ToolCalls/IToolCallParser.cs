// Tool calls in generated text: each model family writes them in its own markup (Hermes <tool_call> blocks, Llama 3
// JSON, Mistral [TOOL_CALLS], DeepSeek tool-call tokens). A parser reads the answer text as it streams and splits it
// into content and OpenAI-shaped tool-call deltas; markup never reaches the content, not even part of a tag.
namespace Parley.Engine.Text.ToolCalls;

/// <summary>A piece of one tool call, as OpenAI streams it.</summary>
/// <param name="Index">Which call (0, 1, ...) in this answer.</param>
/// <param name="Id">Set on the call's first delta only.</param>
/// <param name="Name">The function name, set on the call's first delta only.</param>
/// <param name="Arguments">The next piece of the arguments' JSON text (may be empty).</param>
public sealed record ToolCallDelta(int Index, string? Id, string? Name, string Arguments);

/// <summary>What a piece of answer text turned out to be.</summary>
/// <param name="Content">Plain answer text.</param>
/// <param name="Calls">Tool-call deltas, in order.</param>
public sealed record ToolParse(string Content, IReadOnlyList<ToolCallDelta> Calls)
{
    public static ToolParse Empty { get; } = new("", []);
}

/// <summary>One answer's tool-call parser; holds back text that may still turn out to be markup.</summary>
public interface IToolCallParser
{
    /// <summary>Reads the next piece of answer text.</summary>
    ToolParse Append(string text);

    /// <summary>Ends the answer: releases whatever was held back.</summary>
    ToolParse Finish();
}
