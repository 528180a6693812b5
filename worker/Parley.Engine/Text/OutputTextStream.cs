// The text side of one generated sequence, token by token: ids -> UTF-8-safe text -> stop strings -> reasoning split.
// Stop strings are matched on the whole output (reasoning included), as vLLM does; what survives is split into the
// reasoning and the answer.
namespace Parley.Engine.Text;

/// <summary>What one token adds to the client's view of a sequence.</summary>
public readonly record struct OutputDelta(string Reasoning, string Content, string? StopString)
{
    public bool IsStopped => StopString is not null;
}

/// <summary>Turns one sequence's token ids into reasoning and answer deltas.</summary>
public sealed class OutputTextStream(IncrementalDetokenizer detokenizer, StopChecker stops, ReasoningParser? reasoning)
{
    private string? _stoppedOn;

    public bool IsStopped => _stoppedOn is not null;

    /// <summary>The delta of one more token; after a stop string, nothing.</summary>
    public OutputDelta Append(int id) => IsStopped ? default : Emit(stops.Append(detokenizer.Append(id)), final: false);

    /// <summary>The end of the sequence (EOS, length): releases held text.</summary>
    public OutputDelta Finish()
    {
        if (IsStopped)
        {
            return new OutputDelta("", "", _stoppedOn);
        }

        var tail = stops.Append(detokenizer.Flush());
        return tail.IsStopped ? Emit(tail, final: true) : Emit(new StopResult(tail.Text + stops.Flush(), null), final: true);
    }

    private OutputDelta Emit(StopResult result, bool final)
    {
        _stoppedOn ??= result.MatchedStop;
        var text = result.Text;
        if (reasoning is null)
        {
            return new OutputDelta("", text, result.MatchedStop);
        }

        var split = reasoning.Append(text);
        if (final || result.IsStopped)
        {
            var rest = reasoning.Flush();
            split = new ReasoningDelta(split.Reasoning + rest.Reasoning, split.Content + rest.Content);
        }

        return new OutputDelta(split.Reasoning, split.Content, result.MatchedStop);
    }
}
