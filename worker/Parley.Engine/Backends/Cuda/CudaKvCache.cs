// The paged KV cache in device memory, one key and one value buffer per layer, laid out as the CPU backend's:
//   [block][kvHead][slot][headDim]
// in the model's activation dtype (bf16 or f16 for 16-bit checkpoints, f32 for f32 ones): half the bytes of f32 for
// the usual models, and what vLLM does by default. Block 0 is the scheduler's null block; padding tokens of decode
// graphs read it, so it is zeroed at allocation.
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Engine.Scheduling;

namespace Parley.Engine.Backends.Cuda;

/// <summary>Keys and values of every cached token on the device.</summary>
internal sealed class CudaKvCache : IDisposable
{
    private readonly DeviceBuffer[] _keys;
    private readonly DeviceBuffer[] _values;

    public CudaKvCache(int layers, int blockCount, int kvHeads, int headDim, CudaDtype dtype, CudaStream stream)
    {
        BlockCount = blockCount;
        Dtype = dtype;
        var bytes = (long)blockCount * kvHeads * BlockPool.BlockSize * headDim * dtype.Bytes();
        _keys = new DeviceBuffer[layers];
        _values = new DeviceBuffer[layers];
        try
        {
            for (var layer = 0; layer < layers; layer++)
            {
                _keys[layer] = new DeviceBuffer(bytes);
                _values[layer] = new DeviceBuffer(bytes);
                _keys[layer].Clear(stream.Handle);
                _values[layer].Clear(stream.Handle);
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        Bytes = 2 * layers * bytes;
    }

    public int BlockCount { get; }
    public CudaDtype Dtype { get; }
    public long Bytes { get; }

    public ulong Keys(int layer) => _keys[layer].Pointer;

    public ulong Values(int layer) => _values[layer].Pointer;

    public void Dispose()
    {
        foreach (var buffer in _keys.Concat(_values))
        {
            buffer?.Dispose();
        }
    }
}
