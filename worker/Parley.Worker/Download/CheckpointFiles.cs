// Which files of a repository the worker needs: configuration, tokenizer, chat template, and safetensors weights.
using System.Text.Json;

namespace Parley.Worker.Download;

/// <summary>Picks the files to download from a repository's file list.</summary>
internal static class CheckpointFiles
{
    public const string SingleWeights = "model.safetensors";
    public const string WeightIndex = "model.safetensors.index.json";

    private static readonly string[] Required = ["config.json", "tokenizer.json", "tokenizer_config.json"];

    private static readonly string[] Optional =
        ["generation_config.json", "special_tokens_map.json", "chat_template.jinja", "chat_template.json"];

    /// <summary>Configuration and tokenizer files, then either the single weights file or the shard index.</summary>
    /// <exception cref="HubDownloadException">A required file is missing, or the weights are not safetensors.</exception>
    public static IReadOnlyList<string> Select(string repoId, IReadOnlyCollection<string> repoFiles)
    {
        var present = repoFiles.ToHashSet(StringComparer.Ordinal);
        var missing = Required.Where(file => !present.Contains(file)).ToList();
        if (missing.Count > 0)
        {
            throw new HubDownloadException($"model {repoId} has no {string.Join(" or ", missing)}: the worker needs a transformers checkpoint with a tokenizer.json.");
        }

        var files = Required.Concat(Optional.Where(present.Contains)).ToList();
        files.Add(WeightsEntry(repoId, present));
        return files;
    }

    /// <summary>The shard files an index's <c>weight_map</c> names, each once.</summary>
    public static IReadOnlyList<string> ShardsOf(string indexPath)
    {
        using var stream = File.OpenRead(indexPath);
        using var index = JsonDocument.Parse(stream);
        if (!index.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
        {
            throw new HubDownloadException($"{WeightIndex} has no weight_map object.");
        }

        return [.. map.EnumerateObject().Select(entry => entry.Value.GetString()!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>Whether a snapshot folder holds the required files and all its weights.</summary>
    public static bool IsComplete(string snapshotFolder)
    {
        string InFolder(string file) => Path.Combine(snapshotFolder, file);
        if (!Required.All(file => HubCache.IsPresent(InFolder(file))))
        {
            return false;
        }

        if (HubCache.IsPresent(InFolder(SingleWeights)))
        {
            return true;
        }

        return HubCache.IsPresent(InFolder(WeightIndex)) && ShardsOf(InFolder(WeightIndex)).All(shard => HubCache.IsPresent(InFolder(shard)));
    }

    private static string WeightsEntry(string repoId, HashSet<string> present)
    {
        if (present.Contains(SingleWeights))
        {
            return SingleWeights;
        }

        if (present.Contains(WeightIndex))
        {
            return WeightIndex;
        }

        if (present.Any(file => file.EndsWith(".bin", StringComparison.Ordinal) || file.EndsWith(".pt", StringComparison.Ordinal)))
        {
            throw new HubDownloadException($"model {repoId} has only pickled PyTorch weights (.bin); the worker loads safetensors only (model.safetensors or model.safetensors.index.json): pick a repository or revision that has them.");
        }

        throw new HubDownloadException($"model {repoId} has no {SingleWeights} or {WeightIndex}.");
    }
}
