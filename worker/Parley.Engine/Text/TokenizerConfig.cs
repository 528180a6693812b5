// tokenizer_config.json facts the chat template needs: the BOS and EOS token strings (a plain string or an AddedToken
// object with "content"), and whether a BOS token is prepended. Llama 3 and DeepSeek say the last in tokenizer.json
// instead: a TemplateProcessing post-processor (alone or inside a Sequence) whose single-sequence template opens with a
// special token, as transformers' fast tokenizers apply it.
using System.Text.Json.Nodes;

namespace Parley.Engine.Text;

/// <summary>The special-token strings of a tokenizer_config.json.</summary>
public sealed record TokenizerConfig(string? BosToken, string? EosToken, bool AddBosToken)
{
    public static TokenizerConfig Parse(JsonNode? json) => new(
        TokenText(json?["bos_token"]),
        TokenText(json?["eos_token"]),
        json?["add_bos_token"]?.GetValue<bool>() ?? false);

    /// <summary>The config with tokenizer.json's post-processor taken into account: a template that opens with a special
    /// token prepends it, whatever add_bos_token says.</summary>
    public TokenizerConfig WithPostProcessor(JsonNode? tokenizerJson) =>
        AddBosToken || OpeningSpecialToken(tokenizerJson?["post_processor"]) is not { } bos ? this : this with { AddBosToken = true, BosToken = BosToken ?? bos };

    private static string? OpeningSpecialToken(JsonNode? processor) => processor?["type"]?.GetValue<string>() switch
    {
        "TemplateProcessing" => processor["single"]?.AsArray().FirstOrDefault()?["SpecialToken"]?["id"]?.GetValue<string>(),
        "Sequence" => processor["processors"]?.AsArray().Select(OpeningSpecialToken).FirstOrDefault(token => token is not null),
        _ => null,
    };

    private static string? TokenText(JsonNode? token) => token switch
    {
        JsonValue text => text.GetValue<string>(),
        JsonObject added => added["content"]?.GetValue<string>(),
        _ => null,
    };
}
