using System.ComponentModel.DataAnnotations;
using Parley.Api.Schema;

namespace Parley.Api.Spec;

/// <summary>A LoRA adapter (PEFT or LLaMA-Factory output: adapter_config.json and adapter_model.safetensors) served on
/// top of the base model under its own name; clients select it by putting that name in <c>model</c>.</summary>
[CelRule("self.source != 'demo'",
    "an adapter's source cannot be demo (the built-in base model): give a Hugging Face id, pvc://claim/path or a folder holding adapter_config.json.")]
public sealed class AdapterSpec
{
    /// <summary>The model name clients use for this adapter: letters, digits, '.', '_' and '-', at most 64 characters,
    /// unique among the adapters and different from the base model's served name.</summary>
    [Required]
    [RegularExpression(LoraAdapters.NamePattern)]
    [MaxLength(LoraAdapters.MaxNameLength)]
    public string Name { get; set; } = "";

    /// <summary>Where the adapter's files come from, in the forms of <c>model.source</c>: a Hugging Face id
    /// (<c>org/name</c> or <c>hf://org/name</c>, downloaded into the model cache like the base model), <c>pvc://claim/path</c>,
    /// or an absolute folder path for <c>parley-operator dev</c>.</summary>
    [Required]
    [RegularExpression(ModelSource.Pattern)]
    [MaxLength(LoraAdapters.MaxSourceLength)]
    public string Source { get; set; } = "";
}
