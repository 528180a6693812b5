// What a chat template says about tools, read from its source text. A template shows its model's call format in two
// places: the instructions it renders around the tools list, and the way it replays an assistant's earlier calls.
// Both use the exact markup the model was trained on, so finding that markup in the template is enough:
//   deepseek_v3    <｜tool▁calls▁begin｜> with a ```json fence around the arguments (V3, R1, R1-Distill)
//   deepseek_v31   <｜tool▁calls▁begin｜> without the fence (name<｜tool▁sep｜>arguments)
//   hermes         <tool_call> (Qwen2.5, Qwen3, Hermes)
//   mistral        [TOOL_CALLS] (both the v0.3 list and the name[ARGS] form use the same marker)
//   llama3_json    <|python_tag|>, or the ipython role with "parameters" (Llama 3.1, 3.2)
// Whether the template renders the request's tools is a separate question: DeepSeek's own templates replay calls but
// never render a tools list, so a DeepSeek model knows the markup yet is not told which tools exist.
using System.Text.RegularExpressions;

namespace Parley.Engine.Text.ToolCalls;

internal static partial class ChatTemplateToolSupport
{
    /// <summary>The vLLM parser name for the markup the template uses; null when it uses none.</summary>
    public static string? DetectFormatName(string chatTemplate)
    {
        ArgumentNullException.ThrowIfNull(chatTemplate);
        if (chatTemplate.Contains(DeepSeekToolCallParser.CallsBegin, StringComparison.Ordinal))
        {
            return chatTemplate.Contains("```json", StringComparison.Ordinal) ? "deepseek_v3" : "deepseek_v31";
        }

        if (chatTemplate.Contains(HermesToolCallParser.StartTag, StringComparison.Ordinal))
        {
            return "hermes";
        }

        if (chatTemplate.Contains(MistralToolCallParser.ToolCallsMarker, StringComparison.Ordinal))
        {
            return "mistral";
        }

        var isLlama = chatTemplate.Contains(LlamaJsonToolCallParser.PythonTag, StringComparison.Ordinal)
            || (chatTemplate.Contains("ipython", StringComparison.Ordinal) && chatTemplate.Contains("parameters", StringComparison.Ordinal));
        return isLlama ? "llama3_json" : null;
    }

    /// <summary>Whether the template's code (not its text) reads a variable named <c>tools</c>.</summary>
    public static bool RendersTools(string chatTemplate)
    {
        ArgumentNullException.ThrowIfNull(chatTemplate);
        foreach (Match tag in JinjaCode().Matches(chatTemplate))
        {
            var code = StringLiteral().Replace(tag.Groups["code"].Value, "''");
            if (ToolsVariable().IsMatch(code))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"\{[{%](?<code>.*?)[}%]\}", RegexOptions.Singleline)]
    private static partial Regex JinjaCode();

    [GeneratedRegex(@"'(?:[^'\\]|\\.)*'|""(?:[^""\\]|\\.)*""", RegexOptions.Singleline)]
    private static partial Regex StringLiteral();

    // "tools" as a name of its own: not custom_tools, not tools_in_user_message, not message.tools.
    [GeneratedRegex(@"(?<![\w.])tools(?!\w)")]
    private static partial Regex ToolsVariable();
}
