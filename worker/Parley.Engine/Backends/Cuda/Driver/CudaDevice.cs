// One GPU and its primary context (the context the CUDA runtime and PyTorch share), made current on the calling
// thread. Opening it is where "no driver", "driver too old" and "no GPU" become one sentence each.
using System.Runtime.InteropServices;

namespace Parley.Engine.Backends.Cuda.Driver;

/// <summary>An opened GPU.</summary>
public sealed unsafe class CudaDevice : IDisposable
{
    // cuDeviceGetAttribute codes (CUdevice_attribute in cuda.h).
    private const int MultiprocessorCountAttribute = 16;
    private const int MemoryClockKhzAttribute = 36;
    private const int MemoryBusWidthBitsAttribute = 37;
    private const int ComputeCapabilityMajorAttribute = 75;
    private const int ComputeCapabilityMinorAttribute = 76;

    // CUDA 11.4: cuGraphInstantiateWithFlags, the newest driver entry point used here, appeared in it.
    private const int MinimumDriverVersion = 11040;

    private readonly nint _context;

    private CudaDevice(int ordinal, nint context)
    {
        Ordinal = ordinal;
        _context = context;
        var name = stackalloc byte[256];
        CudaCheck.Driver(CuDriver.cuDeviceGetName(name, 256, ordinal));
        Name = Marshal.PtrToStringUTF8((nint)name)!;
        nuint total;
        CudaCheck.Driver(CuDriver.cuDeviceTotalMem(&total, ordinal));
        TotalMemoryBytes = (long)total;
        ComputeCapability = (Attribute(ComputeCapabilityMajorAttribute) * 10) + Attribute(ComputeCapabilityMinorAttribute);
        MultiprocessorCount = Attribute(MultiprocessorCountAttribute);
        // Double data rate: two transfers per clock across the bus.
        MemoryBandwidthBytesPerSecond = 2.0 * Attribute(MemoryClockKhzAttribute) * 1000 * Attribute(MemoryBusWidthBitsAttribute) / 8;
    }

    public int Ordinal { get; }
    public string Name { get; }
    public long TotalMemoryBytes { get; }

    /// <summary>Major × 10 + minor, e.g. 90 for an H100.</summary>
    public int ComputeCapability { get; }

    public int MultiprocessorCount { get; }

    /// <summary>Peak memory bandwidth from the memory clock and bus width (0 where the driver does not report them).</summary>
    public double MemoryBandwidthBytesPerSecond { get; }

    /// <summary>The driver's CUDA version, e.g. 12040 for 12.4.</summary>
    public static int DriverVersion()
    {
        CudaLibraries.Require(CudaLibrary.Driver);
        int version;
        CudaCheck.Driver(CuDriver.cuDriverGetVersion(&version));
        return version;
    }

    /// <summary>Initializes CUDA and makes GPU <paramref name="ordinal"/>'s primary context current on this thread.</summary>
    /// <exception cref="CudaUnavailableException">No driver, a driver older than CUDA 11.4, or no such GPU.</exception>
    public static CudaDevice Open(int ordinal = 0)
    {
        var version = DriverVersion();
        if (version < MinimumDriverVersion)
        {
            throw new CudaUnavailableException($"The NVIDIA driver supports CUDA {version / 1000}.{version % 1000 / 10}; Parley needs 11.4 or newer: install a newer NVIDIA driver.");
        }

        var initialized = CuDriver.cuInit(0);
        int count;
        if (initialized != 0 || CuDriver.cuDeviceGetCount(&count) != 0 || count == 0)
        {
            throw new CudaUnavailableException("No NVIDIA GPU is visible: check that the container requests one (nvidia.com/gpu) and that nvidia-smi lists it.");
        }

        if (ordinal >= count)
        {
            throw new CudaUnavailableException($"GPU {ordinal} was asked for but {count} are visible.");
        }

        nint context;
        CudaCheck.Driver(CuDriver.cuDevicePrimaryCtxRetain(&context, ordinal));
        CudaCheck.Driver(CuDriver.cuCtxSetCurrent(context));
        return new CudaDevice(ordinal, context);
    }

    /// <summary>Makes this device's context current on the calling thread (each thread that calls CUDA needs it once).</summary>
    public void MakeCurrent() => CudaCheck.Driver(CuDriver.cuCtxSetCurrent(_context));

    /// <summary>Free and total device memory now.</summary>
    public (long Free, long Total) MemoryInfo()
    {
        MakeCurrent();
        nuint free, total;
        CudaCheck.Driver(CuDriver.cuMemGetInfo(&free, &total));
        return ((long)free, (long)total);
    }

    public void Synchronize()
    {
        MakeCurrent();
        CudaCheck.Driver(CuDriver.cuCtxSynchronize());
    }

    public void Dispose() => _ = CuDriver.cuDevicePrimaryCtxRelease(Ordinal);

    private int Attribute(int attribute)
    {
        int value;
        CudaCheck.Driver(CuDriver.cuDeviceGetAttribute(&value, attribute, Ordinal));
        return value;
    }
}
