// Writes safetensors files (the tiny-model builder and tests make checkpoints with it): header first, padded with
// spaces to 8 bytes as the reference implementation does, then each tensor's bytes in order. Tensors may be streamed:
// a benchmark checkpoint of billions of weights is generated straight into the file, never held in memory.
using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace Parley.Engine.Models;

/// <summary>A tensor to write: its name, dtype, shape and raw little-endian bytes.</summary>
public sealed record TensorData(string Name, SafetensorsDtype Dtype, long[] Shape, byte[] Bytes);

/// <summary>A tensor whose bytes are written on demand: exactly <see cref="ByteCount"/> of them, by <see cref="WriteBytes"/>.</summary>
public sealed record TensorSource(string Name, SafetensorsDtype Dtype, long[] Shape, Action<Stream> WriteBytes)
{
    public long ByteCount => Dtype.ByteCount(Shape);
}

/// <summary>Writes safetensors files.</summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IReadOnlyList<TensorData> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Write(path, tensors.Select(tensor => new TensorSource(tensor.Name, tensor.Dtype, tensor.Shape, stream => stream.Write(tensor.Bytes))).ToList(), metadata);
    }

    /// <exception cref="InvalidOperationException">A tensor wrote a different number of bytes than its shape holds.</exception>
    public static void Write(string path, IReadOnlyList<TensorSource> tensors, IReadOnlyDictionary<string, string>? metadata = null)
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
                ["data_offsets"] = new JsonArray(offset, offset + tensor.ByteCount),
            };
            offset += tensor.ByteCount;
        }

        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8;
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, padded);
        file.Write(length);
        file.Write(json);
        file.Write(Enumerable.Repeat((byte)' ', padded - json.Length).ToArray());
        foreach (var tensor in tensors)
        {
            var start = file.Position;
            tensor.WriteBytes(file);
            if (file.Position - start != tensor.ByteCount)
            {
                throw new InvalidOperationException($"Tensor {tensor.Name} wrote {file.Position - start} bytes; its shape holds {tensor.ByteCount}.");
            }
        }
    }
}
