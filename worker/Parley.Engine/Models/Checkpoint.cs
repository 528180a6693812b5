// The weights of a checkpoint folder: one model.safetensors, or shards listed by model.safetensors.index.json
// (its weight_map names the file of every tensor). Only safetensors are read: pickled checkpoints can run code.
using System.Text.Json.Nodes;

namespace Parley.Engine.Models;

/// <summary>All tensors of a checkpoint folder, across its shards.</summary>
public sealed class Checkpoint : IDisposable
{
    public const string SingleFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, SafetensorsFile> _byTensor;

    private Checkpoint(List<SafetensorsFile> files)
    {
        _files = files;
        _byTensor = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var name in file.Tensors.Keys)
            {
                if (!_byTensor.TryAdd(name, file))
                {
                    throw new InvalidDataException($"Tensor '{name}' is in both {_byTensor[name].Path} and {file.Path}.");
                }
            }
        }
    }

    public IEnumerable<TensorInfo> Tensors => _byTensor.Values.SelectMany(file => file.Tensors.Values).DistinctBy(t => t.Name);

    /// <summary>Whether every file was read into memory the OS took the huge-page advice for.</summary>
    public bool IsInHugePages => _files.All(file => file.IsInHugePages);

    /// <summary>Whether every file was read into this process's own memory rather than mapped, so that the one reader
    /// owning the checkpoint (a CPU backend) may rearrange its tensors in place without touching the files.</summary>
    public bool IsOwnMemory => _files.All(file => file.IsOwnMemory);

    /// <exception cref="FileNotFoundException">No safetensors weights in the folder; pickled .bin files are named as refused.</exception>
    public static Checkpoint Open(string folder, WeightStorage storage = WeightStorage.Mapped)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var index = Path.Combine(folder, IndexFile);
        if (File.Exists(index))
        {
            var shards = (JsonNode.Parse(File.ReadAllText(index))?["weight_map"]?.AsObject() ?? throw new InvalidDataException($"{index} has no weight_map."))
                .Select(pair => pair.Value!.GetValue<string>()).Distinct().Order(StringComparer.Ordinal);
            return OpenAll(shards.Select(shard => Path.Combine(folder, shard)), storage);
        }

        var single = Path.Combine(folder, SingleFile);
        if (File.Exists(single))
        {
            return OpenAll([single], storage);
        }

        var pickles = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.bin").Select(Path.GetFileName).ToArray() : [];
        throw new FileNotFoundException(pickles.Length > 0
            ? $"{folder} has only pickled weights ({string.Join(", ", pickles)}), which can run code when loaded; use a checkpoint with safetensors."
            : $"{folder} has no {SingleFile} or {IndexFile}.", single);
    }

    /// <summary>The bytes of a tensor, valid while the checkpoint is open.</summary>
    public ReadOnlySpan<byte> Bytes(string name) =>
        (_byTensor.GetValueOrDefault(name) ?? throw new KeyNotFoundException($"The checkpoint has no tensor '{name}'.")).Bytes(name);

    public TensorInfo Info(string name) =>
        _byTensor.GetValueOrDefault(name)?.Tensors[name] ?? throw new KeyNotFoundException($"The checkpoint has no tensor '{name}'.");

    public bool Contains(string name) => _byTensor.ContainsKey(name);

    public void Dispose()
    {
        foreach (var file in _files)
        {
            file.Dispose();
        }
    }

    private static Checkpoint OpenAll(IEnumerable<string> paths, WeightStorage storage)
    {
        var files = new List<SafetensorsFile>();
        try
        {
            foreach (var path in paths)
            {
                files.Add(SafetensorsFile.Open(path, storage));
            }

            return new Checkpoint(files);
        }
        catch
        {
            files.ForEach(file => file.Dispose());
            throw;
        }
    }
}
