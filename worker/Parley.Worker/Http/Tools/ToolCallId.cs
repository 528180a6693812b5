namespace Parley.Worker.Http.Tools;

/// <summary>Ids for tool calls read from a constrained answer, in vLLM's form.</summary>
public static class ToolCallId
{
    public static string New() => $"chatcmpl-tool-{Guid.NewGuid():N}";
}
