// Chat messages -> prompt text -> token ids, the way vLLM's chat endpoint does it: the model's chat template renders
// the messages with add_generation_prompt (default true), the bos/eos token strings and any chat_template_kwargs
// (e.g. enable_thinking); the text is tokenized without adding special tokens, since the template writes them.
// Content given as a list of parts is joined from its text parts; other parts (images, audio) are refused.
// continue_final_message renders without a generation prompt and cuts the text after the last message's content, so
// the model continues that message instead of starting a new one.
using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Engine.Text.Jinja;
using Parley.Worker.Serving;

namespace Parley.Worker.Http;

/// <summary>Renders chat requests into prompts.</summary>
public static class ChatPrompt
{
    /// <summary>The prompt text for the request's messages.</summary>
    public static string Render(RequestReader request, ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(model);
        var template = model.ChatTemplate ?? throw ApiException.BadRequest(model.ChatTemplateError ?? "The model has no chat template.");
        var messages = Messages(request.Node("messages"));
        var continueFinal = request.Bool("continue_final_message") ?? false;
        var addGenerationPrompt = request.Bool("add_generation_prompt") ?? !continueFinal;
        if (continueFinal && addGenerationPrompt)
        {
            throw ApiException.BadRequest("continue_final_message and add_generation_prompt cannot both be true.", "continue_final_message");
        }

        var context = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Object("chat_template_kwargs") ?? [])
        {
            context[key] = value?.DeepClone();
        }

        context["messages"] = messages;
        context["add_generation_prompt"] = addGenerationPrompt;
        context["bos_token"] = model.TokenizerConfig.BosToken ?? "";
        context["eos_token"] = model.TokenizerConfig.EosToken ?? "";
        if (request.Node("tools") is JsonArray tools)
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

        return continueFinal ? CutAfterFinalMessage(text, messages) : text;
    }

    private static JsonArray Messages(JsonNode? node)
    {
        if (node is not JsonArray { Count: > 0 } list)
        {
            throw ApiException.BadRequest("messages must be a non-empty list of {role, content} objects.", "messages");
        }

        var messages = new JsonArray();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject message || message["role"] is not JsonValue role || role.GetValueKind() != JsonValueKind.String)
            {
                throw ApiException.BadRequest($"messages[{i}] must be an object with a string role.", "messages");
            }

            var copy = message.DeepClone().AsObject();
            copy["content"] = Content(message["content"], i);
            messages.Add(copy);
        }

        return messages;
    }

    private static JsonNode? Content(JsonNode? content, int index) => content switch
    {
        null => null,
        JsonValue text when text.GetValueKind() == JsonValueKind.String => text.DeepClone(),
        JsonArray parts => string.Join("\n", parts.Select(part => TextOf(part, index))),
        _ => throw ApiException.BadRequest($"messages[{index}].content must be a string or a list of text parts.", "messages"),
    };

    private static string TextOf(JsonNode? part, int index)
    {
        if (part is not JsonObject { } fields || !IsString(fields["type"], out var type))
        {
            throw ApiException.BadRequest($"messages[{index}].content parts must be objects with a string type, such as {{\"type\": \"text\", \"text\": \"...\"}}.", "messages");
        }

        if (type != "text")
        {
            throw ApiException.BadRequest($"messages[{index}].content has a '{RequestReader.Truncated(type)}' part; this model accepts text only.", "messages");
        }

        return IsString(fields["text"], out var text)
            ? text
            : throw ApiException.BadRequest($"messages[{index}].content has a text part whose text is not a string.", "messages");
    }

    private static bool IsString(JsonNode? node, out string text)
    {
        var isString = node is JsonValue value && value.GetValueKind() == JsonValueKind.String;
        text = isString ? node!.GetValue<string>() : "";
        return isString;
    }

    private static string CutAfterFinalMessage(string text, JsonArray messages)
    {
        var final = messages[^1]?["content"]?.GetValue<string>() ?? "";
        var at = final.Length == 0 ? -1 : text.LastIndexOf(final, StringComparison.Ordinal);
        return at < 0 ? text : text[..(at + final.Length)];
    }
}
