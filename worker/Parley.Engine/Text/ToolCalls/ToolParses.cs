// Merging streamed pieces back into one answer: content concatenated, and each call's deltas folded into one delta
// with the call's id, name and whole arguments text. ParseWhole uses it, and so can any caller that collects a stream.
namespace Parley.Engine.Text.ToolCalls;

public static class ToolParses
{
    /// <summary>The answer the pieces add up to, one delta per call in index order.</summary>
    public static ToolParse Merge(IEnumerable<ToolParse> pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        var content = new System.Text.StringBuilder();
        var calls = new SortedDictionary<int, ToolCallDelta>();
        foreach (var piece in pieces)
        {
            content.Append(piece.Content);
            foreach (var delta in piece.Calls)
            {
                calls[delta.Index] = calls.TryGetValue(delta.Index, out var call)
                    ? call with { Id = call.Id ?? delta.Id, Name = call.Name ?? delta.Name, Arguments = call.Arguments + delta.Arguments }
                    : delta;
            }
        }

        return new ToolParse(content.ToString(), calls.Values.ToArray());
    }
}
