// An open .safetensors file: an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and
// [begin, end) byte range, then the data. The file is memory-mapped or read into huge-page memory (WeightStorage);
// tensors are views into either, so a weight used as stored is never copied again. Every inconsistency is refused with
// the file and tensor named, before any tensor is read.
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

    private readonly IFileBytes _storage;
    private readonly byte* _data;
    private bool _isDisposed;

    private SafetensorsFile(string path, IFileBytes storage, long dataOffset, IReadOnlyDictionary<string, TensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _storage = storage;
        _data = storage.Pointer;
        DataOffset = dataOffset;
        Tensors = tensors;
        Metadata = metadata;
    }

    public string Path { get; }
    public long DataOffset { get; }
    public IReadOnlyDictionary<string, TensorInfo> Tensors { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Whether the bytes were read into memory the OS took the huge-page advice for
    /// (<see cref="HugePageMemory.IsAdvised"/>); false for a mapped file.</summary>
    public bool IsInHugePages => _storage is HugePageMemory { IsAdvised: true };

    /// <summary>Whether the bytes were read into this process's own memory (<see cref="WeightStorage.HugePages"/>)
    /// rather than mapped from the file, so that the one reader owning the file may rearrange them in place.</summary>
    public bool IsOwnMemory => _storage is HugePageMemory;

    /// <exception cref="InvalidDataException">The file is not a consistent safetensors file; the message says why.</exception>
    public static SafetensorsFile Open(string path, WeightStorage storage = WeightStorage.Mapped)
    {
        ArgumentNullException.ThrowIfNull(path);
        IFileBytes bytes = storage switch
        {
            WeightStorage.Mapped => Map(path),
            WeightStorage.HugePages => Read(path),
            _ => throw new ArgumentOutOfRangeException(nameof(storage), storage, $"Weights are {WeightStorage.Mapped} or {WeightStorage.HugePages}."),
        };

        var pointer = bytes.Pointer;
        var length = bytes.Length;
        try
        {
            var headerLength = BinaryPrimitives.ReadInt64LittleEndian(new ReadOnlySpan<byte>(pointer, 8));
            if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > length)
            {
                throw new InvalidDataException($"{path}: header length {headerLength} does not fit the file of {length} bytes.");
            }

            var header = new ReadOnlySpan<byte>(pointer + 8, (int)headerLength);
            var (tensors, metadata) = SafetensorsHeader.Parse(path, header, length - 8 - headerLength);
            return new SafetensorsFile(path, bytes, 8 + headerLength, tensors, metadata);
        }
        catch
        {
            bytes.Dispose();
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
        _storage.Dispose();
    }

    private static MappedBytes Map(string path)
    {
        // Hub caches hold checkpoints as symlinks into blobs/; the length that matters is the target's.
        var length = RequireHeaderLength(path, (File.ResolveLinkTarget(path, returnFinalTarget: true) as FileInfo ?? new FileInfo(path)).Length);
        return new MappedBytes(path, length);
    }

    private static HugePageMemory Read(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var length = RequireHeaderLength(path, RandomAccess.GetLength(handle));
        var memory = new HugePageMemory(length);
        try
        {
            for (long offset = 0; offset < length;)
            {
                var read = RandomAccess.Read(handle, new Span<byte>(memory.Pointer + offset, (int)Math.Min(1L << 30, length - offset)), offset);
                offset += read > 0 ? read : throw new InvalidDataException($"{path} ended at byte {offset}, short of the {length} bytes it had when opened: it changed while loading; load it again once nothing writes to it.");
            }

            return memory;
        }
        catch
        {
            memory.Dispose();
            throw;
        }
    }

    private static long RequireHeaderLength(string path, long length) => length >= 8 ? length
        : throw new InvalidDataException($"{path} is {length} bytes; a safetensors file starts with an 8-byte header length.");

    // A read-only mapping of a whole file, held by a pointer until disposed.
    private sealed class MappedBytes : IFileBytes
    {
        private readonly MemoryMappedFile _map;
        private readonly MemoryMappedViewAccessor _view;

        public MappedBytes(string path, long length)
        {
            Length = length;
            _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
            _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            Pointer = pointer + _view.PointerOffset;
        }

        public byte* Pointer { get; }

        public long Length { get; }

        public void Dispose()
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _map.Dispose();
        }
    }
}
