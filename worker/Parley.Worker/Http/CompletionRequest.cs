// A legacy completion request, read and checked: the prompts (a string, a list of token ids, or a list of either, as
// vLLM accepts) as token ids, echo, and the generation settings shared with chat. A string prompt gets the BOS token when the tokenizer config
// asks for one, as Hugging Face's tokenizers add special tokens by default.
using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Worker.Serving;

namespace Parley.Worker.Http;

/// <summary>What a completion request asks for.</summary>
/// <param name="Prompts">The prompts, tokenized: one choice (or n) per prompt, in order.</param>
/// <param name="Echo">Return each prompt's text before its completion.</param>
/// <param name="Settings">How to generate and what to return.</param>
public sealed record CompletionRequest(IReadOnlyList<IReadOnlyList<int>> Prompts, bool Echo, GenerationSettings Settings)
{
    public static CompletionRequest Read(RequestReader request, ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = GenerationSettings.Read(request, model, chat: false);
        var addSpecialTokens = request.Bool("add_special_tokens") ?? true;
        var echo = request.Bool("echo") ?? false;
        if (echo && settings.Sampling.Logprobs is { } logprobs)
        {
            // vLLM's echo with logprobs scores the prompt too (the first token has none).
            settings = settings with { Sampling = settings.Sampling with { PromptLogprobs = Math.Max(settings.Sampling.PromptLogprobs ?? 0, logprobs) } };
        }

        return new CompletionRequest(ReadPrompts(request.Node("prompt"), model, addSpecialTokens), echo, settings);
    }

    /// <summary>A request's prompts: one prompt, or a batch of them (a list of strings or of token-id lists).</summary>
    public static IReadOnlyList<IReadOnlyList<int>> ReadPrompts(JsonNode? prompt, ServedModel model, bool addSpecialTokens = true) => prompt switch
    {
        JsonArray { Count: > 0 } batch when batch.All(item => item is JsonArray || (item is JsonValue value && value.GetValueKind() == JsonValueKind.String)) =>
            batch.Select((item, index) => item is JsonArray { Count: 0 }
                ? throw ApiException.BadRequest($"prompt[{index}] is an empty list; each prompt needs at least one token.", "prompt")
                : Prompt(item, model, addSpecialTokens)).ToList(),
        _ => [Prompt(prompt, model, addSpecialTokens)],
    };

    /// <summary>The prompt's token ids; a string gets the tokenizer's BOS unless <paramref name="addSpecialTokens"/> is false.</summary>
    public static IReadOnlyList<int> Prompt(JsonNode? prompt, ServedModel model, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        switch (prompt)
        {
            case JsonValue text when text.GetValueKind() == JsonValueKind.String:
                var ids = new List<int>();
                if (addSpecialTokens && model.TokenizerConfig.AddBosToken && model.TokenizerConfig.BosToken is { } bos)
                {
                    ids.AddRange(model.Tokenizer.Encode(bos));
                }

                ids.AddRange(model.Tokenizer.Encode(text.GetValue<string>()));
                return ids;
            case JsonArray { Count: > 0 } list when list.All(item => item is JsonValue value && value.GetValueKind() == JsonValueKind.Number):
                return list.Select(item => item!.AsValue().TryGetValue<int>(out var id)
                    ? id : throw ApiException.BadRequest($"prompt holds {Truncated(item)}, which is not a token id (a whole number in int32 range).", "prompt")).ToList();
            case JsonArray:
                throw ApiException.BadRequest("prompt must be a string, a list of token ids, or a list of those (one choice per prompt).", "prompt");
            default:
                throw ApiException.BadRequest("prompt is required: a string or a list of token ids.", "prompt");
        }
    }

    private static string Truncated(JsonNode? item) => RequestReader.Truncated(item?.ToJsonString() ?? "null");
}
