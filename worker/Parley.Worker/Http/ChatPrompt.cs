// Chat messages -> prompt text, the way vLLM's chat endpoint does it: the model's chat template renders the messages
// with add_generation_prompt, the bos/eos token strings, any chat_template_kwargs and the tools; the text is tokenized
// without adding special tokens, since the template writes them. continue_final_message renders without a generation
// prompt and cuts the text after the last message's content, so the model continues that message.
using System.Text.Json.Nodes;
using Parley.Engine.Text.Jinja;
using Parley.Worker.Serving;

namespace Parley.Worker.Http;

/// <summary>Renders chat requests into prompts.</summary>
public static class ChatPrompt
{
    /// <summary>The prompt text for the request's messages.</summary>
    public static string Render(ChatPromptRequest request, ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(model);
        var template = model.ChatTemplate ?? throw ApiException.BadRequest(model.ChatTemplateError ?? "The model has no chat template.");
        var context = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in request.TemplateKwargs)
        {
            context[key] = value?.DeepClone();
        }

        context["messages"] = request.Messages;
        context["add_generation_prompt"] = request.AddGenerationPrompt;
        context["bos_token"] = model.TokenizerConfig.BosToken ?? "";
        context["eos_token"] = model.TokenizerConfig.EosToken ?? "";
        if (request.Tools is { } tools)
        {
            context["tools"] = tools.DeepClone();
        }

        string text;
        try
        {
            text = template.Render(context);
        }
        catch (JinjaException exception)
        {
            throw ApiException.BadRequest($"The chat template could not render these messages: {exception.Message}", "messages");
        }

        return request.ContinueFinalMessage ? CutAfterFinalMessage(text, request.Messages) : text;
    }

    private static string CutAfterFinalMessage(string text, JsonArray messages)
    {
        var final = messages[^1]?["content"]?.GetValue<string>() ?? "";
        var at = final.Length == 0 ? -1 : text.LastIndexOf(final, StringComparison.Ordinal);
        return at < 0 ? text : text[..(at + final.Length)];
    }
}
