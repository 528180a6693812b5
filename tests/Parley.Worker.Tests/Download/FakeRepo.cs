// A hub repository for FakeHub: one commit on "main" holding real files, small but in the real formats.
using System.Security.Cryptography;
using System.Text;
using Parley.Engine.Models;

namespace Parley.Worker.Tests.Download;

internal sealed class FakeRepo(string id)
{
    public string Id { get; } = id;

    public string Commit { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..40];

    public Dictionary<string, byte[]> Files { get; } = [];

    /// <summary>Only requests carrying <see cref="FakeHub.AcceptedToken"/> may read it.</summary>
    public bool IsGated { get; init; }

    // The hub stores these in LFS: their ETag is the sha256 of the contents, and reads redirect to storage.
    public static bool IsLfs(string file) => file.EndsWith(".safetensors", StringComparison.Ordinal) || file.EndsWith(".bin", StringComparison.Ordinal);

    // The hub's ETag for a small file is its git blob id (40 hex digits); any 40-digit content hash stands in for it here.
    public static string GitEtag(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content))[..40];

    public static FakeRepo SingleFile(string id, int weightBytes = 300_000, bool isGated = false)
    {
        var repo = new FakeRepo(id) { IsGated = isGated };
        repo.AddTextFiles();
        repo.Files["model.safetensors"] = Safetensors(("model.embed_tokens.weight", weightBytes, 1));
        return repo;
    }

    public static FakeRepo Sharded(string id, int shardCount)
    {
        var repo = new FakeRepo(id);
        repo.AddTextFiles();
        var weightMap = new StringBuilder();
        for (var shard = 1; shard <= shardCount; shard++)
        {
            var name = $"model-{shard:00000}-of-{shardCount:00000}.safetensors";
            var tensor = $"model.layers.{shard - 1}.mlp.down_proj.weight";
            repo.Files[name] = Safetensors((tensor, 40_000 + shard * 1_000, shard));
            weightMap.Append(shard == 1 ? "" : ",").Append($"\"{tensor}\": \"{name}\"");
        }

        // Two tensors in the first shard, so the index names it twice and the download must fetch it once.
        repo.Files["model.safetensors.index.json"] = Encoding.UTF8.GetBytes(
            $"{{\"metadata\": {{\"total_size\": 0}}, \"weight_map\": {{{weightMap}, \"lm_head.weight\": \"model-00001-of-{shardCount:00000}.safetensors\"}}}}");
        return repo;
    }

    public static FakeRepo PickleOnly(string id)
    {
        var repo = new FakeRepo(id);
        repo.AddTextFiles();
        repo.Files["pytorch_model.bin"] = new byte[1_000];
        return repo;
    }

    private void AddTextFiles()
    {
        Files["config.json"] = Encoding.UTF8.GetBytes("{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 64, \"num_hidden_layers\": 2}");
        Files["generation_config.json"] = Encoding.UTF8.GetBytes("{\"eos_token_id\": [2, 3]}");
        Files["tokenizer.json"] = Encoding.UTF8.GetBytes("{\"version\": \"1.0\", \"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}}");
        Files["tokenizer_config.json"] = Encoding.UTF8.GetBytes("{\"bos_token\": \"<s>\", \"eos_token\": \"</s>\"}");
        Files["README.md"] = Encoding.UTF8.GetBytes("# not needed by the worker\n");
    }

    private static byte[] Safetensors((string Name, int ByteCount, int Seed) tensor)
    {
        var values = new byte[tensor.ByteCount / 4 * 4];
        new Random(tensor.Seed).NextBytes(values);
        var path = Path.GetTempFileName();
        try
        {
            SafetensorsWriter.Write(path, [new TensorData(tensor.Name, SafetensorsDtype.F32, [values.Length / 4], values)]);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
