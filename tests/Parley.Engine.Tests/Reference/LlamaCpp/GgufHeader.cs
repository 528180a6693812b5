// Reads back what GgufBuilder writes: the header, the metadata and the tensor infos (not the data), so tests can
// check the file byte by byte instead of trusting llama.cpp to complain about every mistake.
using Parley.Engine.Reference;
using Parley.Engine.Reference.LlamaCpp;
using System.Text;

namespace Parley.Engine.Tests.Reference.LlamaCpp;

/// <summary>One tensor info record: dimensions innermost first, offset relative to the data section.</summary>
internal sealed record GgufTensorInfo(string Name, IReadOnlyList<long> Dimensions, GgmlType Type, ulong Offset);

/// <summary>The parsed head of a GGUF file.</summary>
internal sealed record GgufHeader(uint Magic, uint Version, IReadOnlyDictionary<string, object> Metadata, IReadOnlyList<GgufTensorInfo> Tensors)
{
    public static GgufHeader Read(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        var magic = reader.ReadUInt32();
        var version = reader.ReadUInt32();
        var tensorCount = reader.ReadUInt64();
        var metadataCount = reader.ReadUInt64();
        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        for (ulong i = 0; i < metadataCount; i++)
        {
            var key = ReadString(reader);
            metadata[key] = ReadValue(reader, (GgufValueType)reader.ReadUInt32());
        }

        var tensors = new List<GgufTensorInfo>();
        for (ulong i = 0; i < tensorCount; i++)
        {
            var name = ReadString(reader);
            var dimensions = Enumerable.Range(0, (int)reader.ReadUInt32()).Select(_ => (long)reader.ReadUInt64()).ToArray();
            tensors.Add(new GgufTensorInfo(name, dimensions, (GgmlType)reader.ReadUInt32(), reader.ReadUInt64()));
        }

        return new GgufHeader(magic, version, metadata, tensors);
    }

    private static object ReadValue(BinaryReader reader, GgufValueType type) => type switch
    {
        GgufValueType.UInt32 => reader.ReadUInt32(),
        GgufValueType.Int32 => reader.ReadInt32(),
        GgufValueType.Float32 => reader.ReadSingle(),
        GgufValueType.Bool => reader.ReadBoolean(),
        GgufValueType.String => ReadString(reader),
        GgufValueType.Array => ReadArray(reader),
        _ => throw new InvalidDataException($"GGUF value type {type} is not read here."),
    };

    private static List<object> ReadArray(BinaryReader reader)
    {
        var elementType = (GgufValueType)reader.ReadUInt32();
        var count = reader.ReadUInt64();
        var values = new List<object>();
        for (ulong i = 0; i < count; i++)
        {
            values.Add(ReadValue(reader, elementType));
        }

        return values;
    }

    private static string ReadString(BinaryReader reader) => Encoding.UTF8.GetString(reader.ReadBytes(checked((int)reader.ReadUInt64())));
}
