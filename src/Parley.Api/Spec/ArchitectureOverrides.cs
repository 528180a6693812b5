using System.ComponentModel.DataAnnotations;

namespace Parley.Api.Spec;

/// <summary>
/// Facts from a checkpoint's <c>config.json</c>, named as there, for models the planner cannot look up.
/// Set values replace the catalog's; for an unknown model the first eight are required.
/// </summary>
public sealed class ArchitectureOverrides
{
    /// <summary><c>num_hidden_layers</c>: transformer blocks.</summary>
    [Range(1, 1024)]
    public int? NumHiddenLayers { get; set; }

    /// <summary><c>hidden_size</c>: width of the residual stream.</summary>
    [Range(1, 131072)]
    public int? HiddenSize { get; set; }

    /// <summary><c>num_attention_heads</c>: query heads.</summary>
    [Range(1, 1024)]
    public int? NumAttentionHeads { get; set; }

    /// <summary><c>num_key_value_heads</c>: key/value heads (grouped-query attention).</summary>
    [Range(1, 1024)]
    public int? NumKeyValueHeads { get; set; }

    /// <summary><c>head_dim</c>: width of one head; defaults to hiddenSize / numAttentionHeads.</summary>
    [Range(1, 4096)]
    public int? HeadDim { get; set; }

    /// <summary><c>intermediate_size</c>: width of the MLP.</summary>
    [Range(1, 1048576)]
    public int? IntermediateSize { get; set; }

    /// <summary><c>vocab_size</c>: rows of the embedding table.</summary>
    [Range(1, 4194304)]
    public int? VocabSize { get; set; }

    /// <summary><c>max_position_embeddings</c>: the longest context the model was trained for.</summary>
    [Range(1, 16777216)]
    public int? MaxPositionEmbeddings { get; set; }

    /// <summary><c>tie_word_embeddings</c>: whether the output head shares the embedding table.</summary>
    public bool? TieWordEmbeddings { get; set; }
}
