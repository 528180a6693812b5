// The prompt part of a chat request, read and checked: the messages (each an object with a string role; content given
// as a list of parts is joined from its text parts, other parts such as images are refused), whether to add the
// generation prompt (default true) or continue the final message (earlier tool calls' arguments become objects), chat_template_kwargs (e.g. enable_thinking) and
// tools, as vLLM's chat endpoint and /tokenize take them.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parley.Worker.Http;

/// <summary>What a chat request gives the chat template.</summary>
/// <param name="Messages">The messages, content flattened to text.</param>
/// <param name="AddGenerationPrompt">End the prompt with the assistant's turn opening.</param>
/// <param name="ContinueFinalMessage">Continue the last message instead of starting a new one.</param>
/// <param name="TemplateKwargs">Extra template variables (chat_template_kwargs).</param>
/// <param name="Tools">The tools offered, as sent.</param>
public sealed record ChatPromptRequest(JsonArray Messages, bool AddGenerationPrompt, bool ContinueFinalMessage, IReadOnlyDictionary<string, JsonNode?> TemplateKwargs, JsonArray? Tools)
{
    public static ChatPromptRequest Read(RequestReader request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var messages = ReadMessages(request.Node("messages"));
        var continueFinal = request.Bool("continue_final_message") ?? false;
        var addGenerationPrompt = request.Bool("add_generation_prompt") ?? !continueFinal;
        if (continueFinal && addGenerationPrompt)
        {
            throw ApiException.BadRequest("continue_final_message and add_generation_prompt cannot both be true.", "continue_final_message");
        }

        // Kwargs and tools stay the body's nodes; ChatPrompt copies them into the template's context.
        var kwargs = (request.Object("chat_template_kwargs") ?? []).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        return new ChatPromptRequest(messages, addGenerationPrompt, continueFinal, kwargs, request.Node("tools") as JsonArray);
    }

    private static JsonArray ReadMessages(JsonNode? node)
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
            ArgumentsAsObjects(copy["tool_calls"]);
            messages.Add(copy);
        }

        return messages;
    }

    // OpenAI sends an earlier call's arguments as JSON text; templates (Qwen2.5, Llama 3.1) write them with tojson and
    // would quote the text again, so they get the object, as vLLM gives them. Text that is not an object stays text.
    private static void ArgumentsAsObjects(JsonNode? toolCalls)
    {
        foreach (var call in toolCalls as JsonArray ?? [])
        {
            if (call?["function"] is JsonObject function && function["arguments"] is JsonValue text && text.GetValueKind() == JsonValueKind.String)
            {
                try
                {
                    if (JsonNode.Parse(text.GetValue<string>()) is JsonObject arguments)
                        function["arguments"] = arguments;
                }
                catch (JsonException)
                {
                    // Not JSON: the template gets the text as sent.
                }
            }
        }
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
}
