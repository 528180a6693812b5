// generation_config.json: the ids that end a turn and the sampling the model's authors recommend. Llama 3 lists both
// <|end_of_text|> and <|eot_id|>; stopping on only the first is how answers run on into a fake next turn. R1 distills
// recommend temperature 0.6 and top_p 0.95, applied when a request leaves them unset.
using System.Text.Json.Nodes;

namespace Parley.Engine.Text;

/// <summary>A model's generation defaults.</summary>
public sealed record GenerationConfig
{
    public const string FileName = "generation_config.json";

    public IReadOnlyList<int> EosTokenIds { get; init; } = [];
    public int? BosTokenId { get; init; }
    public double? Temperature { get; init; }
    public double? TopP { get; init; }
    public int? TopK { get; init; }
    public double? MinP { get; init; }
    public double? RepetitionPenalty { get; init; }
    public int? MaxNewTokens { get; init; }

    /// <summary>Reads the file in <paramref name="modelFolder"/>; a missing file means no defaults.</summary>
    public static GenerationConfig Load(string modelFolder)
    {
        ArgumentNullException.ThrowIfNull(modelFolder);
        var path = Path.Combine(modelFolder, FileName);
        return File.Exists(path) ? Parse(JsonNode.Parse(File.ReadAllText(path))) : new GenerationConfig();
    }

    public static GenerationConfig Parse(JsonNode? json)
    {
        // do_sample false means greedy: the sampling values that may sit beside it do not apply.
        var samples = json?["do_sample"]?.GetValue<bool>() != false;
        return new GenerationConfig
        {
            EosTokenIds = json?["eos_token_id"] switch
            {
                JsonArray ids => ids.Select(id => id!.GetValue<int>()).ToList(),
                JsonValue id => [id.GetValue<int>()],
                _ => [],
            },
            BosTokenId = json?["bos_token_id"] is JsonValue bos ? bos.GetValue<int>() : null,
            Temperature = samples ? Number(json, "temperature") : 0,
            TopP = samples ? Number(json, "top_p") : null,
            TopK = samples && Number(json, "top_k") is { } k ? (int)k : null,
            MinP = samples ? Number(json, "min_p") : null,
            RepetitionPenalty = Number(json, "repetition_penalty"),
            MaxNewTokens = Number(json, "max_new_tokens") is { } max ? (int)max : null,
        };
    }

    private static double? Number(JsonNode? json, string name) => json?[name] is JsonValue value ? value.GetValue<double>() : null;
}
