// A memory-mapped .safetensors file: an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
// shape and [begin, end) byte range, then the data. Tensors are views into the mapping: a weight used as stored is
// never copied. Every inconsistency is refused with the file and tensor named, before any data is read.
using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;

namespace Parley.Engine.Models;

/// <summary>One tensor of a safetensors file: where its bytes are, and what they hold.</summary>
public sealed record TensorInfo(string Name, SafetensorsDtype Dtype, IReadOnlyList<long> Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (product, dimension) => product * dimension);
}

/// <summary>An open safetensors file.</summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    // Real headers are kilobytes; a larger length means a corrupt or hostile file.
    private const long MaxHeaderBytes = 100L << 20;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _data;
    private bool _isDisposed;

    private SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* data, long dataOffset, IReadOnlyDictionary<string, TensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _map = map;
        _view = view;
        _data = data;
        DataOffset = dataOffset;
        Tensors = tensors;
        Metadata = metadata;
    }

    public string Path { get; }
    public long DataOffset { get; }
    public IReadOnlyDictionary<string, TensorInfo> Tensors { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <exception cref="InvalidDataException">The file is not a consistent safetensors file; the message says why.</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        // Hub caches hold checkpoints as symlinks into blobs/; the length that matters is the target's.
        var length = (File.ResolveLinkTarget(path, returnFinalTarget: true) as FileInfo ?? new FileInfo(path)).Length;
        if (length < 8)
        {
            throw new InvalidDataException($"{path} is {length} bytes; a safetensors file starts with an 8-byte header length.");
        }

        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
        var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        pointer += view.PointerOffset;
        try
        {
            var headerLength = BinaryPrimitives.ReadInt64LittleEndian(new ReadOnlySpan<byte>(pointer, 8));
            if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > length)
            {
                throw new InvalidDataException($"{path}: header length {headerLength} does not fit the file of {length} bytes.");
            }

            var header = new ReadOnlySpan<byte>(pointer + 8, (int)headerLength);
            var (tensors, metadata) = SafetensorsHeader.Parse(path, header, length - 8 - headerLength);
            return new SafetensorsFile(path, map, view, pointer, 8 + headerLength, tensors, metadata);
        }
        catch
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
            map.Dispose();
            throw;
        }
    }

    /// <summary>The bytes of a tensor, valid while the file is open.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor; the message names it and the file.</exception>
    public ReadOnlySpan<byte> Bytes(string name)
    {
        ObjectDisposedException.ThrowIf(_isDisposed, this);
        var tensor = Tensors.GetValueOrDefault(name) ?? throw new KeyNotFoundException($"Tensor '{name}' is not in {Path}.");
        return new ReadOnlySpan<byte>(_data + DataOffset + tensor.Begin, checked((int)(tensor.End - tensor.Begin)));
    }

    public void Dispose()
    {
        if (_isDisposed)
        {
            return;
        }

        _isDisposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
