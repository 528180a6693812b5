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

/// <summary>Each file set's rules, chosen in one place.</summary>
internal static class HubFileSets
{
    /// <summary>The files of <paramref name="repoFiles"/> to fetch for this set.</summary>
    public static IReadOnlyList<string> Select(this HubFileSet set, string repoId, IReadOnlyCollection<string> repoFiles) =>
        set == HubFileSet.LoraAdapter ? AdapterFiles.Select(repoId, repoFiles) : CheckpointFiles.Select(repoId, repoFiles);

    /// <summary>Whether a snapshot folder already holds everything this set needs.</summary>
    public static bool IsComplete(this HubFileSet set, string snapshotFolder) =>
        set == HubFileSet.LoraAdapter ? AdapterFiles.IsComplete(snapshotFolder) : CheckpointFiles.IsComplete(snapshotFolder);
}
