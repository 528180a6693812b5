// Pieces of OpenAI response bodies that chat and completions share: usage, and logprobs in both of OpenAI's shapes
// (chat: a list of {token, logprob, bytes, top_logprobs}; legacy completions: parallel lists).
using System.Text;
using System.Text.Json.Nodes;
using Parley.Worker.Serving;

namespace Parley.Worker.Http;

/// <summary>Builds shared response fields.</summary>
public static class ResponseJson
{
    public static JsonObject Usage(int promptTokens, int completionTokens) => new()
    {
        ["prompt_tokens"] = promptTokens,
        ["completion_tokens"] = completionTokens,
        ["total_tokens"] = promptTokens + completionTokens,
    };

    public static JsonObject ChatLogprobs(ServedModel model, IEnumerable<GeneratedToken> tokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new JsonObject
        {
            ["content"] = new JsonArray(tokens.Select(token =>
            {
                var entry = Entry(model, token.Id, token.Logprob);
                entry["top_logprobs"] = new JsonArray(token.TopLogprobs.Select(top => (JsonNode)Entry(model, top.TokenId, top.Logprob)).ToArray());
                return (JsonNode)entry;
            }).ToArray()),
        };
    }

    public static JsonObject CompletionLogprobs(ServedModel model, IReadOnlyList<GeneratedToken> tokens, int textOffset)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);
        var offsets = new JsonArray();
        foreach (var token in tokens)
        {
            offsets.Add(textOffset);
            textOffset += Text(model, token.Id).Length;
        }

        return new JsonObject
        {
            ["tokens"] = new JsonArray(tokens.Select(token => (JsonNode)Text(model, token.Id)).ToArray()),
            ["token_logprobs"] = new JsonArray(tokens.Select(token => (JsonNode)token.Logprob).ToArray()),
            ["top_logprobs"] = new JsonArray(tokens.Select(token => (JsonNode)new JsonObject(
                token.TopLogprobs.DistinctBy(top => Text(model, top.TokenId)).Select(top => KeyValuePair.Create(Text(model, top.TokenId), (JsonNode?)top.Logprob)))).ToArray()),
            ["text_offset"] = offsets,
        };
    }

    /// <summary>A token's text; a token that is part of a multi-byte character shows as U+FFFD, its bytes stay exact.</summary>
    public static string Text(ServedModel model, int id)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Encoding.UTF8.GetString(model.Tokenizer.Decoder.Bytes(id));
    }

    private static JsonObject Entry(ServedModel model, int id, float logprob) => new()
    {
        ["token"] = Text(model, id),
        ["logprob"] = logprob,
        ["bytes"] = new JsonArray(model.Tokenizer.Decoder.Bytes(id).ToArray().Select(b => (JsonNode)(int)b).ToArray()),
    };
}
