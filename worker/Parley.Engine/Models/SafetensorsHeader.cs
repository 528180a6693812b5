// The safetensors JSON header: {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}.
// Offsets are relative to the data section; each range must hold exactly shape x element size bytes, lie inside the
// file, and not overlap another tensor.
using System.Text.Json;

namespace Parley.Engine.Models;

/// <summary>Parses and checks a safetensors header.</summary>
public static class SafetensorsHeader
{
    public static (IReadOnlyDictionary<string, TensorInfo> Tensors, IReadOnlyDictionary<string, string> Metadata) Parse(string path, ReadOnlySpan<byte> header, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.ToArray());
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the header is not JSON ({e.Message}).", e);
        }

        using (document)
        {
            var tensors = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    foreach (var pair in entry.Value.EnumerateObject())
                    {
                        metadata[pair.Name] = pair.Value.ToString();
                    }

                    continue;
                }

                tensors[entry.Name] = Tensor(path, entry.Name, entry.Value, dataLength);
            }

            CheckNoOverlap(path, tensors.Values);
            return (tensors, metadata);
        }
    }

    private static TensorInfo Tensor(string path, string name, JsonElement json, long dataLength)
    {
        var dtypeName = json.GetProperty("dtype").GetString() ?? "";
        if (!SafetensorsDtypes.TryParse(dtypeName, out var dtype))
        {
            throw new InvalidDataException($"{path}: tensor '{name}' has dtype {dtypeName}, which is not supported.");
        }

        var shape = json.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        var offsets = json.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
        var tensor = new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
        if (offsets.Length != 2 || tensor.Begin < 0 || tensor.End < tensor.Begin || tensor.End > dataLength)
        {
            throw new InvalidDataException($"{path}: tensor '{name}' spans bytes [{tensor.Begin}, {tensor.End}) but the data section has {dataLength}.");
        }

        if (shape.Any(d => d < 0) || tensor.ElementCount * dtype.ElementSize() != tensor.End - tensor.Begin)
        {
            throw new InvalidDataException($"{path}: tensor '{name}' of shape [{string.Join(", ", shape)}] in {dtypeName} needs " +
                $"{tensor.ElementCount * dtype.ElementSize()} bytes but spans {tensor.End - tensor.Begin}.");
        }

        return tensor;
    }

    private static void CheckNoOverlap(string path, IEnumerable<TensorInfo> tensors)
    {
        TensorInfo? previous = null;
        foreach (var tensor in tensors.Where(t => t.End > t.Begin).OrderBy(t => t.Begin))
        {
            if (previous is not null && tensor.Begin < previous.End)
            {
                throw new InvalidDataException($"{path}: tensors '{previous.Name}' and '{tensor.Name}' overlap.");
            }

            previous = tensor;
        }
    }
}
