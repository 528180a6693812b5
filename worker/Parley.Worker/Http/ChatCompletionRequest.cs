// A chat completion request, read and checked: the generation settings (read first, as vLLM validates them), the
// tools and how the answer is read for calls, and what the chat template needs.
using Parley.Worker.Http.Tools;

namespace Parley.Worker.Http;

/// <summary>What a chat completion request asks for.</summary>
/// <param name="Prompt">The messages and template options.</param>
/// <param name="Settings">How to generate and what to return.</param>
public sealed record ChatCompletionRequest(ChatPromptRequest Prompt, GenerationSettings Settings)
{
    public static ChatCompletionRequest Read(RequestReader request, Serving.ServedModel model)
    {
        var settings = GenerationSettings.Read(request, model, chat: true);
        if (ChatTools.Read(request) is { } tools)
        {
            settings = ToolCallReading.Apply(tools, model, settings);
        }

        return new ChatCompletionRequest(ChatPromptRequest.Read(request), settings);
    }
}
