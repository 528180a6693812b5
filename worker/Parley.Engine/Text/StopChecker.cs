// Stop strings over streamed text: a stop string split across tokens is still found, and text that might be the
// beginning of one is held back, so the client never sees a stop string (unless asked to) or anything after it.
namespace Parley.Engine.Text;

/// <summary>What one delta yields: the text to send, and whether generation must stop.</summary>
public readonly record struct StopResult(string Text, string? MatchedStop)
{
    public bool IsStopped => MatchedStop is not null;
}

/// <summary>Watches one sequence's output for stop strings.</summary>
public sealed class StopChecker(IReadOnlyList<string> stops, bool includeStopInOutput = false)
{
    private readonly string[] _stops = stops.Where(stop => stop.Length > 0).ToArray();
    private string _held = "";

    /// <summary>Takes the next piece of text.</summary>
    public StopResult Append(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var input = _held + text;
        _held = "";
        var (position, stop) = EarliestMatch(input);
        if (stop is not null)
        {
            return new StopResult(input[..(position + (includeStopInOutput ? stop.Length : 0))], stop);
        }

        var keep = _stops.Length == 0 ? 0 : _stops.Max(s => ReasoningParser.PartialSuffix(input, s));
        _held = input[^keep..];
        return new StopResult(input[..^keep], null);
    }

    /// <summary>Ends the sequence: held text was not a stop string after all.</summary>
    public string Flush()
    {
        var held = _held;
        _held = "";
        return held;
    }

    private (int Position, string? Stop) EarliestMatch(string text)
    {
        var best = (Position: int.MaxValue, Stop: (string?)null);
        foreach (var stop in _stops)
        {
            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (at < best.Position || (at == best.Position && stop.Length > best.Stop!.Length)))
            {
                best = (at, stop);
            }
        }

        return best;
    }
}
