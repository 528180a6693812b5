// Writes safetensors files (the tiny-model builder and tests make checkpoints with it): header first, padded with
// spaces to 8 bytes as the reference implementation does, then each tensor's bytes in order.
using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace Parley.Engine.Models;

/// <summary>A tensor to write: its name, dtype, shape and raw little-endian bytes.</summary>
public sealed record TensorData(string Name, SafetensorsDtype Dtype, long[] Shape, byte[] Bytes);

/// <summary>Writes safetensors files.</summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IReadOnlyList<TensorData> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            header["__metadata__"] = new JsonObject(metadata.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value)));
        }

        long offset = 0;
        foreach (var tensor in tensors)
        {
            header[tensor.Name] = new JsonObject
            {
                ["dtype"] = tensor.Dtype.Name(),
                ["shape"] = new JsonArray(tensor.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + tensor.Bytes.Length),
            };
            offset += tensor.Bytes.Length;
        }

        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8;
        using var file = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, padded);
        file.Write(length);
        file.Write(json);
        file.Write(Enumerable.Repeat((byte)' ', padded - json.Length).ToArray());
        foreach (var tensor in tensors)
        {
            file.Write(tensor.Bytes);
        }
    }
}
