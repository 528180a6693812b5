// `model.source: /path` in dev mode: the planner has no hub to ask, so the checkpoint's own config.json supplies the
// architecture, written into spec.model.architecture (the same fields a user sets for a model the catalog lacks).
// Fields the spec already sets win.
using System.Text.Json.Nodes;
using Parley.Api;

namespace Parley.Operator.Cli;

/// <summary>Reads a local checkpoint folder's architecture for the planner.</summary>
public static class LocalCheckpoint
{
    /// <summary>spec.model.architecture field, config.json field.</summary>
    private static readonly (string Spec, string Config)[] Fields =
    [
        ("numHiddenLayers", "num_hidden_layers"), ("hiddenSize", "hidden_size"), ("numAttentionHeads", "num_attention_heads"),
        ("numKeyValueHeads", "num_key_value_heads"), ("headDim", "head_dim"), ("intermediateSize", "intermediate_size"),
        ("vocabSize", "vocab_size"), ("maxPositionEmbeddings", "max_position_embeddings"), ("tieWordEmbeddings", "tie_word_embeddings"),
    ];

    /// <summary>Completes <paramref name="chat"/>'s spec.model.architecture from config.json when its source is a local folder.</summary>
    /// <exception cref="FileNotFoundException">The folder has no config.json.</exception>
    public static void CompleteArchitecture(JsonObject chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        var model = chat["spec"]?["model"] as JsonObject;
        if (!ModelSource.TryParse(model?["source"]?.GetValue<string>(), out var source) || source.Kind != ModelSourceKind.LocalFolder)
        {
            return;
        }

        var configPath = Path.Combine(source.Path, "config.json");
        if (!File.Exists(configPath))
        {
            throw new FileNotFoundException($"spec.model.source {source.Path} has no config.json: give the folder of a Hugging Face checkpoint.", configPath);
        }

        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        var architecture = model!["architecture"] as JsonObject ?? [];
        foreach (var (spec, field) in Fields)
        {
            if (architecture[spec] is null && config[field] is { } value)
            {
                architecture[spec] = value.DeepClone();
            }
        }

        if (architecture["numKeyValueHeads"] is null && architecture["numAttentionHeads"] is { } heads)
        {
            architecture["numKeyValueHeads"] = heads.DeepClone(); // config.json leaves it out when every head has its own KV
        }

        model["architecture"] = architecture;
    }
}
