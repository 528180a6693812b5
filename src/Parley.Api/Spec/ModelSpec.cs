using System.ComponentModel.DataAnnotations;
using k8s.Models;
using Parley.Api.Schema;

namespace Parley.Api.Spec;

/// <summary>The model to serve.</summary>
[CelRule("!has(self.adapters) || self.adapters.all(a, self.adapters.exists_one(b, b.name == a.name))",
    "adapter names must be unique: rename or remove the adapter whose name is given twice.")]
[CelRule("!has(self.adapters) || !has(self.servedName) || self.adapters.all(a, a.name != self.servedName)",
    "an adapter cannot be named like the base model's servedName: clients could not choose between them; rename the adapter.")]
public sealed class ModelSpec
{
    /// <summary>
    /// Where the checkpoint comes from: <c>hf://org/name</c>, <c>pvc://claim/path</c>, a plain Hugging Face id such as
    /// <c>deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B</c>, <c>demo</c> (the worker's built-in random model), or an absolute
    /// folder path (<c>/path</c>, <c>file:///path</c>) on the machine the worker runs on, for <c>parley-operator dev</c>.
    /// </summary>
    [Required]
    [RegularExpression(ModelSource.Pattern)]
    public string Source { get; set; } = "";

    /// <summary>Hugging Face revision (branch, tag or commit) to download; defaults to <c>main</c>.</summary>
    [RegularExpression(@"^[A-Za-z0-9._/-]{1,128}$")]
    public string? Revision { get; set; }

    /// <summary>Model name the API serves under (what clients put in <c>model</c>); defaults to the source's repository id.</summary>
    [RegularExpression(@"^\S{1,256}$")]
    public string? ServedName { get; set; }

    /// <summary>Weights and activations data type.</summary>
    public ModelDtype? Dtype { get; set; }

    /// <summary>Weight quantization of the checkpoint.</summary>
    public Quantization? Quantization { get; set; }

    /// <summary>The chat template; when unset the checkpoint's own template is used.</summary>
    public ChatTemplateSpec? ChatTemplate { get; set; }

    /// <summary>How reasoning (<c>&lt;think&gt;</c>) is separated from the answer.</summary>
    public ReasoningParser? ReasoningParser { get; set; }

    /// <summary>Secret key holding a Hugging Face token, for gated or private models.</summary>
    public V1SecretKeySelector? HfTokenSecretRef { get; set; }

    /// <summary>Architecture facts for a model the built-in catalog does not know, or corrections to it.</summary>
    public ArchitectureOverrides? Architecture { get; set; }

    /// <summary>LoRA adapters served on top of this model, each under its own name, many at once in one batch. The
    /// worker keeps <c>worker.tuning.maxLoras</c> of them on the GPU at <c>worker.tuning.maxLoraRank</c>, and the
    /// planner reserves their memory before sizing the KV cache.</summary>
    [MaxLength(LoraAdapters.MaxCount)]
    public List<AdapterSpec>? Adapters { get; set; }
}
