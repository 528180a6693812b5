// What every per-kernel parity test needs on the emulated CUDA: the kernels loaded once per test class, device buffers
// freed with it, random inputs from a fixed seed, and llm.c's check_tensor: a failure prints the largest difference
// and the first index beyond the tolerance, with both values.
using Parley.Engine.Backends.Cuda;
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Gpu.Tests;
using Parley.Testing;

namespace Parley.Engine.Cuda.Tests.Kernels;

public abstract class KernelHarness : IDisposable
{
    protected const float Tolerance = 1e-5f;

    // The emulated device's SM count: what CudaOps's own split choices would be made for.
    protected const int EmulatedMultiprocessors = 4;
    private const long PartialBytes = 4 << 20;
    private const long UnpackedBytes = 1 << 20;

    private readonly CudaDevice _device;
    private readonly CudaStream _stream;
    private readonly CublasHandle _cublas;
    private readonly CudaKernels _kernels;
    private readonly DeviceBuffer _partials;
    private readonly List<DeviceBuffer> _buffers = [];
    private readonly Random _random = new(7);

    static KernelHarness() => CudaEmulator.UseInThisProcess();

    protected KernelHarness()
    {
        _device = CudaDevice.Open();
        _stream = new CudaStream();
        _cublas = new CublasHandle(_stream);
        _kernels = new CudaKernels(new KernelCompiler(TinyBackends.PtxCache), _device.ComputeCapability);
        _partials = new DeviceBuffer(PartialBytes);
        var unpacked = new DeviceBuffer(UnpackedBytes);
        _buffers.Add(unpacked);   // freed with the test's own buffers, and readable by Download
        Ops = new CudaOps(_kernels, _stream, _cublas, _partials, EmulatedMultiprocessors, unpacked);
    }

    internal CudaOps Ops { get; }

    protected Random Rng => _random;

    public void Dispose()
    {
        _buffers.ForEach(buffer => buffer.Dispose());
        _partials.Dispose();
        _kernels.Dispose();
        _cublas.Dispose();
        _stream.Dispose();
        _device.Dispose();
        GC.SuppressFinalize(this);
    }

    // Block tables as the kernels read them: one row of maxBlocks per sequence.
    protected static int[] Rows(int[][] tables, int maxBlocks)
    {
        var rows = new int[tables.Length * maxBlocks];
        for (var s = 0; s < tables.Length; s++)
        {
            tables[s].CopyTo(rows, s * maxBlocks);
        }

        return rows;
    }

    protected float[] Random(int count) => Enumerable.Range(0, count).Select(_ => (float)((_random.NextDouble() * 2) - 1)).ToArray();

    protected ulong Upload<T>(T[] values)
        where T : unmanaged
    {
        var buffer = new DeviceBuffer(Math.Max(1, values.Length) * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        _buffers.Add(buffer);
        buffer.UploadNow<T>(values, _stream.Handle);
        return buffer.Pointer;
    }

    protected float[] Download(ulong pointer, int count) => Download<float>(pointer, count);

    protected T[] Download<T>(ulong pointer, int count)
        where T : unmanaged
    {
        var values = new T[count];
        _buffers.Single(buffer => buffer.Pointer == pointer).DownloadNow<T>(values, _stream.Handle);
        return values;
    }

// The values a 16-bit cache holds, as floats: what both sides compute with.
    protected static float[] Rounded(float[] values, CudaDtype dtype) => dtype switch
    {
        CudaDtype.Float16 => values.Select(v => (float)(Half)v).ToArray(),
        CudaDtype.BFloat16 => values.Select(v => BitConverter.UInt32BitsToSingle((uint)BFloat16Bits(v) << 16)).ToArray(),
        _ => values,
    };

    protected ulong UploadCache(float[] values, CudaDtype dtype) => dtype switch
    {
        CudaDtype.Float16 => Upload(values.Select(v => (Half)v).ToArray()),
        CudaDtype.BFloat16 => Upload(values.Select(BFloat16Bits).ToArray()),
        _ => Upload(values),
    };

    // Round to nearest even, as float_to_bf16 in prelude.cuh (no NaNs here).
    protected static ushort BFloat16Bits(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
    }

    protected static void Check(string name, float[] actual, float[] expected, float tolerance = Tolerance)
    {
        actual.Should().HaveCount(expected.Length);
        var (worst, at, first) = (0f, 0, -1);
        for (var i = 0; i < actual.Length; i++)
        {
            var difference = MathF.Abs(actual[i] - expected[i]);
            if (difference > worst || float.IsNaN(difference))
            {
                (worst, at) = (float.IsNaN(difference) ? float.PositiveInfinity : difference, i);
            }

            if (first < 0 && !(difference <= tolerance))
            {
                first = i;
            }
        }

        first.Should().Be(-1,
            $"{name}: maxdiff {worst:E2} at {at} (CUDA {actual[at]}, CPU {expected[at]}); first beyond {tolerance:E0} at {Math.Max(first, 0)} (CUDA {actual[Math.Max(first, 0)]}, CPU {expected[Math.Max(first, 0)]})");
    }
}
