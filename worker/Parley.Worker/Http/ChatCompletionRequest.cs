// A chat completion request, read and checked: the generation settings (read first, as vLLM validates them), the
// tools and how the answer is read for calls, and what the chat template needs.
using Parley.Worker.Http.Tools;

namespace Parley.Worker.Http;

/// <summary>What a chat completion request asks for.</summary>
/// <param name="Prompt">The messages and template options.</param>
/// <param name="Settings">How to generate and what to return.</param>
/// <param name="Echo">echo: the final assistant message's text opens the answer (with continue_final_message).</param>
public sealed record ChatCompletionRequest(ChatPromptRequest Prompt, GenerationSettings Settings, string Echo = "")
{
    public static ChatCompletionRequest Read(RequestReader request, Serving.ServedModel model)
    {
        var settings = GenerationSettings.Read(request, model, chat: true);
        if (ChatTools.Read(request) is { } tools)
        {
            settings = ToolCallReading.Apply(tools, model, settings);
        }

        var prompt = ChatPromptRequest.Read(request);
        var echo = request.Bool("echo") == true && prompt.Messages[^1] is { } last && last["role"]?.GetValue<string>() == "assistant"
            ? last["content"]?.GetValue<string>() ?? ""
            : "";
        return new ChatCompletionRequest(prompt, settings, echo);
    }
}
