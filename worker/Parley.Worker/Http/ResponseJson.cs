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

    /// <summary>Chat logprobs: each token with its k most likely alternatives; with <paramref name="asIds"/>
    /// (return_tokens_as_token_ids) tokens are named <c>token_id:N</c>.</summary>
    public static JsonObject ChatLogprobs(ServedModel model, IEnumerable<GeneratedToken> tokens, bool asIds = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new JsonObject
        {
            ["content"] = new JsonArray(tokens.Select(token =>
            {
                var entry = Entry(model, token.Id, token.Logprob, asIds);
                entry["top_logprobs"] = new JsonArray(token.TopLogprobs.Select(top => (JsonNode)Entry(model, top.TokenId, top.Logprob, asIds)).ToArray());
                return (JsonNode)entry;
            }).ToArray()),
        };
    }

    /// <summary>Legacy completion logprobs, as vLLM gives them: the sampled token always among top_logprobs (k or k + 1
    /// entries, so logprobs 0 still names it), and text_offset counted in code points, as Python counts, from
    /// <paramref name="textOffset"/> (the code points before the first token: an echoed prompt, earlier chunks).</summary>
    public static JsonObject CompletionLogprobs(ServedModel model, IReadOnlyList<GeneratedToken> tokens, int textOffset, bool asIds = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);
        var offsets = new JsonArray();
        foreach (var token in tokens)
        {
            offsets.Add(textOffset);
            textOffset += CodePoints(Text(model, token.Id));
        }

        return new JsonObject
        {
            ["tokens"] = new JsonArray(tokens.Select(token => (JsonNode)Name(model, token.Id, asIds)).ToArray()),
            ["token_logprobs"] = new JsonArray(tokens.Select(token => (JsonNode)token.Logprob).ToArray()),
            ["top_logprobs"] = new JsonArray(tokens.Select(token => (JsonNode)new JsonObject(
                token.TopLogprobs.Prepend(new Engine.Sampling.TokenLogprob(token.Id, token.Logprob))
                    .DistinctBy(top => Name(model, top.TokenId, asIds))
                    .Select(top => KeyValuePair.Create(Name(model, top.TokenId, asIds), (JsonNode?)top.Logprob)))).ToArray()),
            ["text_offset"] = offsets,
        };
    }

    /// <summary>vLLM's prompt_logprobs: null for the first prompt token (nothing predicts it), then for each later one
    /// {"id": {"logprob", "rank", "decoded_token"}} with the prompt token and the top alternatives at its position.</summary>
    public static JsonArray PromptLogprobs(ServedModel model, IReadOnlyList<Engine.Core.PromptTokenLogprob> logprobs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(logprobs);
        var list = new JsonArray { null };
        foreach (var position in logprobs)
        {
            var entries = new JsonObject { [Key(position.TokenId)] = PromptEntry(model, position.TokenId, position.Logprob, position.Rank) };
            for (var i = 0; i < position.TopLogprobs.Count; i++)
            {
                var top = position.TopLogprobs[i];
                entries[Key(top.TokenId)] ??= PromptEntry(model, top.TokenId, top.Logprob, i + 1);
            }

            list.Add(entries);
        }

        return list;
    }

    /// <summary>Legacy logprobs of an echoed prompt: its tokens, their logprobs (the first null), their top
    /// alternatives (the token itself among them) and code-point offsets from 0.</summary>
    public static JsonObject EchoedPrompt(ServedModel model, IReadOnlyList<int> prompt, IReadOnlyList<Engine.Core.PromptTokenLogprob> logprobs, bool asIds)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(logprobs);
        var offsets = new JsonArray();
        var offset = 0;
        foreach (var id in prompt)
        {
            offsets.Add(offset);
            offset += CodePoints(Text(model, id));
        }

        var tokenLogprobs = new JsonArray { null };
        var tops = new JsonArray { null };
        foreach (var position in logprobs)
        {
            tokenLogprobs.Add(position.Logprob);
            tops.Add(new JsonObject(position.TopLogprobs.Prepend(new Engine.Sampling.TokenLogprob(position.TokenId, position.Logprob))
                .DistinctBy(top => Name(model, top.TokenId, asIds))
                .Select(top => KeyValuePair.Create(Name(model, top.TokenId, asIds), (JsonNode?)top.Logprob))));
        }

        return new JsonObject
        {
            ["tokens"] = new JsonArray(prompt.Select(id => (JsonNode)Name(model, id, asIds)).ToArray()),
            ["token_logprobs"] = tokenLogprobs,
            ["top_logprobs"] = tops,
            ["text_offset"] = offsets,
        };
    }

    /// <summary>Legacy logprobs of two stretches of text, one after the other.</summary>
    public static JsonObject Concat(JsonObject first, JsonObject second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var joined = new JsonObject();
        foreach (var (key, value) in first)
        {
            var list = (JsonArray)value!.DeepClone();
            foreach (var item in second[key]!.AsArray())
                list.Add(item?.DeepClone());
            joined[key] = list;
        }

        return joined;
    }

    private static string Key(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject PromptEntry(ServedModel model, int id, float logprob, int rank) => new()
    {
        ["logprob"] = logprob,
        ["rank"] = rank,
        ["decoded_token"] = Text(model, id),
    };

    /// <summary>A list of token ids.</summary>
    public static JsonArray Ids(IEnumerable<int> ids) => new(ids.Select(id => (JsonNode)id).ToArray());

    /// <summary>Code points in a string, as Python's len counts them (a surrogate pair is one).</summary>
    public static int CodePoints(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
            count++;
        return count;
    }

    private static string Name(ServedModel model, int id, bool asIds) =>
        asIds ? $"token_id:{id.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : Text(model, id);

    /// <summary>A token's text; a token that is part of a multi-byte character shows as U+FFFD, its bytes stay exact.</summary>
    public static string Text(ServedModel model, int id)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Encoding.UTF8.GetString(model.Tokenizer.Decoder.Bytes(id));
    }

    private static JsonObject Entry(ServedModel model, int id, float logprob, bool asIds) => new()
    {
        ["token"] = Name(model, id, asIds),
        ["logprob"] = logprob,
        ["bytes"] = new JsonArray(model.Tokenizer.Decoder.Bytes(id).ToArray().Select(b => (JsonNode)(int)b).ToArray()),
    };
}
