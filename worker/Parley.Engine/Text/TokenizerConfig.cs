// tokenizer_config.json facts the chat template needs: the BOS and EOS token strings (a plain string or an AddedToken
// object with "content"), and whether a BOS token is prepended.
using System.Text.Json.Nodes;

namespace Parley.Engine.Text;

/// <summary>The special-token strings of a tokenizer_config.json.</summary>
public sealed record TokenizerConfig(string? BosToken, string? EosToken, bool AddBosToken)
{
    public static TokenizerConfig Parse(JsonNode? json) => new(
        TokenText(json?["bos_token"]),
        TokenText(json?["eos_token"]),
        json?["add_bos_token"]?.GetValue<bool>() ?? false);

    private static string? TokenText(JsonNode? token) => token switch
    {
        JsonValue text => text.GetValue<string>(),
        JsonObject added => added["content"]?.GetValue<string>(),
        _ => null,
    };
}
