// The GGUF v3 container (ggml/docs/gguf.md): a header, typed key/value metadata, one info record per tensor, then the
// tensor data, each tensor starting on a multiple of general.alignment. All integers are little-endian; strings are a
// uint64 byte length followed by UTF-8 without a terminator. Dimensions are listed innermost first (ne[0] is the
// length of a row), the reverse of a PyTorch shape.
using System.Text;

namespace Parley.Engine.Reference.LlamaCpp;

/// <summary>Collects metadata and tensors, then writes them as one GGUF file.</summary>
internal sealed class GgufBuilder
{
    private const uint Magic = 0x46554747; // "GGUF" read as a little-endian uint32
    private const uint Version = 3;

    // GGUF_DEFAULT_ALIGNMENT: what llama.cpp assumes when the file has no general.alignment key.
    private const int Alignment = 32;

    private readonly List<(string Key, Action<BinaryWriter> WriteValue)> _metadata = [];
    private readonly List<(string Name, GgmlType Type, long[] Dimensions, byte[] Data)> _tensors = [];

    public void Add(string key, uint value) => _metadata.Add((key, w => { w.Write((uint)GgufValueType.UInt32); w.Write(value); }));

    public void Add(string key, float value) => _metadata.Add((key, w => { w.Write((uint)GgufValueType.Float32); w.Write(value); }));

    public void Add(string key, bool value) => _metadata.Add((key, w => { w.Write((uint)GgufValueType.Bool); w.Write(value); }));

    public void Add(string key, string value) => _metadata.Add((key, w => { w.Write((uint)GgufValueType.String); WriteString(w, value); }));

    public void Add(string key, IReadOnlyList<string> values) => _metadata.Add((key, w =>
    {
        WriteArrayHeader(w, GgufValueType.String, values.Count);
        foreach (var value in values)
        {
            WriteString(w, value);
        }
    }));

    public void Add(string key, IReadOnlyList<int> values) => _metadata.Add((key, w =>
    {
        WriteArrayHeader(w, GgufValueType.Int32, values.Count);
        foreach (var value in values)
        {
            w.Write(value);
        }
    }));

    /// <param name="shape">The PyTorch shape, outermost first; it is reversed into GGUF's order here.</param>
    public void AddTensor(string name, GgmlType type, IReadOnlyList<long> shape, byte[] data) =>
        _tensors.Add((name, type, shape.Reverse().ToArray(), data));

    public void Write(string path)
    {
        using var writer = new BinaryWriter(File.Create(path), Encoding.UTF8);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write((ulong)_tensors.Count);
        writer.Write((ulong)_metadata.Count);
        foreach (var (key, writeValue) in _metadata)
        {
            WriteString(writer, key);
            writeValue(writer);
        }

        ulong offset = 0; // relative to the start of the data section
        foreach (var (name, type, dimensions, data) in _tensors)
        {
            WriteString(writer, name);
            writer.Write((uint)dimensions.Length);
            foreach (var dimension in dimensions)
            {
                writer.Write((ulong)dimension);
            }

            writer.Write((uint)type);
            writer.Write(offset);
            offset = AlignUp(offset + (ulong)data.Length);
        }

        Pad(writer);
        foreach (var tensor in _tensors)
        {
            writer.Write(tensor.Data);
            Pad(writer);
        }
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void WriteArrayHeader(BinaryWriter writer, GgufValueType elementType, int count)
    {
        writer.Write((uint)GgufValueType.Array);
        writer.Write((uint)elementType);
        writer.Write((ulong)count);
    }

    private static ulong AlignUp(ulong offset) => (offset + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter writer)
    {
        var position = (ulong)writer.BaseStream.Position;
        writer.Write(new byte[AlignUp(position) - position]);
    }
}
