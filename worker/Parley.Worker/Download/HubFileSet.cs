// What a hub repository is fetched as: a model checkpoint (config, tokenizer, safetensors weights) or a PEFT LoRA
// adapter (adapter_config.json and adapter_model.safetensors, the files LLaMA-Factory and PEFT's save_pretrained write).
namespace Parley.Worker.Download;

/// <summary>The kind of repository to download, which decides the files fetched.</summary>
public enum HubFileSet
{
    /// <summary>A transformers checkpoint: <see cref="CheckpointFiles"/>.</summary>
    Checkpoint,

    /// <summary>A PEFT LoRA adapter: <see cref="AdapterFiles"/>.</summary>
    LoraAdapter,
}
