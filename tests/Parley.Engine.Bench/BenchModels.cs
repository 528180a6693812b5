// The model shapes the forward benchmark runs: real architectures and sizes with random weights, written once into
// the git-ignored .cache/bench folder (a 1B-parameter checkpoint takes a while to generate).
using Parley.Engine.Models;
using Parley.Testing;

namespace Parley.Engine.Bench;

internal static class BenchModels
{
    public static readonly IReadOnlyDictionary<string, TinyModelSpec> Shapes = new Dictionary<string, TinyModelSpec>
    {
        // Qwen/Qwen2-0.5B-Instruct config.json
        ["qwen2-0.5b"] = new()
        {
            ModelType = "qwen2", HiddenSize = 896, IntermediateSize = 4864, NumHiddenLayers = 24, NumAttentionHeads = 14, NumKeyValueHeads = 2,
            VocabSize = 151936, TieWordEmbeddings = true, MaxPositionEmbeddings = 32768,
        },
        // meta-llama/Llama-3.2-1B-Instruct config.json
        ["llama-3.2-1b"] = new()
        {
            ModelType = "llama", HiddenSize = 2048, IntermediateSize = 8192, NumHiddenLayers = 16, NumAttentionHeads = 32, NumKeyValueHeads = 8,
            VocabSize = 128256, TieWordEmbeddings = true, MaxPositionEmbeddings = 131072, Llama3RopeScaling = true,
        },
    };

    /// <summary>The checkpoint folder of a shape in a dtype, written on first use.</summary>
    public static string Folder(string shape, SafetensorsDtype dtype)
    {
        var folder = Path.Combine(RepositoryPaths.Root, ".cache", "bench", $"{shape}-{dtype.Name().ToLowerInvariant()}");
        if (!File.Exists(Path.Combine(folder, Checkpoint.SingleFile)))
        {
            Console.Error.WriteLine($"writing {folder} ...");
            TinyModel.Write(folder, Shapes[shape] with { Dtype = dtype }, seed: 1);
        }

        return folder;
    }
}
