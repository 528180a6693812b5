// Which files of a LoRA adapter repository the worker needs: PEFT's configuration and its safetensors weights. The
// README and training logs that such repositories also hold are left on the hub.
namespace Parley.Worker.Download;

/// <summary>Picks the files to download from a LoRA adapter repository's file list.</summary>
internal static class AdapterFiles
{
    public const string Config = "adapter_config.json";
    public const string Weights = "adapter_model.safetensors";

    /// <exception cref="HubDownloadException">The repository is not a PEFT adapter with safetensors weights.</exception>
    public static IReadOnlyList<string> Select(string repoId, IReadOnlyCollection<string> repoFiles)
    {
        var present = repoFiles.ToHashSet(StringComparer.Ordinal);
        if (!present.Contains(Config))
        {
            throw new HubDownloadException($"LoRA adapter {repoId} has no {Config}: --lora-modules needs a PEFT adapter (the output of save_pretrained, as LLaMA-Factory writes it).");
        }

        if (!present.Contains(Weights))
        {
            throw new HubDownloadException(present.Contains("adapter_model.bin")
                ? $"LoRA adapter {repoId} has only pickled weights (adapter_model.bin); the worker loads safetensors only: save the adapter with safe_serialization=True."
                : $"LoRA adapter {repoId} has no {Weights}.");
        }

        return [Config, Weights];
    }

    /// <summary>Whether a snapshot folder holds both files.</summary>
    public static bool IsComplete(string snapshotFolder) =>
        HubCache.IsPresent(Path.Combine(snapshotFolder, Config)) && HubCache.IsPresent(Path.Combine(snapshotFolder, Weights));
}
