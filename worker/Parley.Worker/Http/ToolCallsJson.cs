// Tool calls in OpenAI's wire shape. Streamed: a call's first delta carries index, id, type and function.name (and
// maybe the first arguments piece); later ones carry index and function.arguments only. Whole: one entry per call,
// its argument pieces joined.
using System.Text;
using System.Text.Json.Nodes;
using Parley.Engine.Text.ToolCalls;

namespace Parley.Worker.Http;

/// <summary>Writes tool calls for chat answers.</summary>
public static class ToolCallsJson
{
    /// <summary>The delta.tool_calls list of one streamed chunk.</summary>
    public static JsonArray Deltas(IEnumerable<ToolCallDelta> deltas)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        var list = new JsonArray();
        foreach (var delta in deltas)
        {
            var function = new JsonObject();
            var call = new JsonObject { ["index"] = delta.Index };
            if (delta.Id is not null)
            {
                call["id"] = delta.Id;
                call["type"] = "function";
                function["name"] = delta.Name;
            }

            function["arguments"] = delta.Arguments;
            call["function"] = function;
            list.Add(call);
        }

        return list;
    }

    /// <summary>The message.tool_calls list of a whole answer.</summary>
    public static JsonArray Whole(IEnumerable<ToolCallDelta> deltas)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        var calls = new SortedDictionary<int, (string Id, string Name, StringBuilder Arguments)>();
        foreach (var delta in deltas)
        {
            if (!calls.TryGetValue(delta.Index, out var call))
            {
                call = (delta.Id ?? "", delta.Name ?? "", new StringBuilder());
                calls[delta.Index] = call;
            }

            call.Arguments.Append(delta.Arguments);
        }

        return new JsonArray(calls.Values.Select(call => (JsonNode)new JsonObject
        {
            ["id"] = call.Id,
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.Arguments.ToString() },
        }).ToArray());
    }
}
