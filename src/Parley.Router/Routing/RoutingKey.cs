// The routing key: what stays the same across the turns of one conversation, so every turn lands where the previous
// turns left their KV blocks in the prefix cache. For chat that is the model plus the leading messages up to and
// including the first user message (the system prompt and the opening question; later turns only append). For
// completions it is the model plus the prompt's first 256 characters (or 64 token ids): enough to tell long shared
// prompts apart, short enough that appended text does not change it. Anything else has no key.
using System.Text;
using System.Text.Json;

namespace Parley.Router.Routing;

/// <summary>Derives a request's position on the hash ring from its JSON body.</summary>
public static class RoutingKey
{
    /// <summary>How much of a body is read for the key (the whole body is still forwarded): 1 MiB holds the opening
    /// messages of any real conversation; a body cut there has no key and is routed to the least-loaded replica.</summary>
    public const int MaxBodyBytes = 1 << 20;

    /// <summary>Prompt characters that identify a completion's conversation: about 64 tokens.</summary>
    public const int PromptPrefixChars = 256;

    /// <summary>Prompt token ids that identify a completion's conversation.</summary>
    public const int PromptPrefixTokens = 64;

    /// <summary>The key of <paramref name="body"/>, or null when it is not a complete chat or completion request.</summary>
    public static ulong? From(ReadOnlySpan<byte> body) => Text(body) is { } text ? HashRing.Hash(Encoding.UTF8.GetBytes(text)) : null;

    /// <summary>The text that is hashed (tests compare it).</summary>
    public static string? Text(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : "";
            return root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array ? ChatText(model, messages)
                : root.TryGetProperty("prompt", out var prompt) ? PromptText(model, prompt)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? ChatText(string? model, JsonElement messages)
    {
        var text = new StringBuilder().Append("chat\0").Append(model);
        var count = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var role = message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : "";
            var content = message.TryGetProperty("content", out var c) ? c.GetRawText() : "";
            text.Append('\0').Append(role).Append('\0').Append(content);
            count++;
            if (role == "user")
            {
                break;
            }
        }

        return count == 0 ? null : text.ToString();
    }

    private static string? PromptText(string? model, JsonElement prompt)
    {
        // A batch of prompts is keyed by its first: the batch goes to one replica either way.
        if (prompt.ValueKind == JsonValueKind.Array && prompt.GetArrayLength() > 0 && prompt[0].ValueKind is JsonValueKind.String or JsonValueKind.Array)
        {
            prompt = prompt[0];
        }

        var prefix = prompt.ValueKind switch
        {
            JsonValueKind.String => prompt.GetString() is { } s ? s[..Math.Min(s.Length, PromptPrefixChars)] : null,
            JsonValueKind.Array => string.Join(',', prompt.EnumerateArray().Take(PromptPrefixTokens).Select(t => t.GetRawText())),
            _ => null,
        };
        return prefix is null ? null : $"completion\0{model}\0{prefix}";
    }
}
