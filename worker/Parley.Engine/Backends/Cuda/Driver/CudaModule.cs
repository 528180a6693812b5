// PTX loaded into the current context (the driver JIT-compiles it for the exact GPU) and its kernels by name.
using System.Text;

namespace Parley.Engine.Backends.Cuda.Driver;

/// <summary>A loaded module.</summary>
public sealed unsafe class CudaModule : IDisposable
{
    private nint _handle;

    /// <param name="ptx">The PTX text, as NVRTC produced it.</param>
    public CudaModule(string ptx)
        : this(Encoding.UTF8.GetBytes((ptx ?? throw new ArgumentNullException(nameof(ptx))) + "\0"))
    {
    }

    /// <param name="image">A CUBIN, or PTX text ending in a NUL.</param>
    public CudaModule(byte[] image)
    {
        ArgumentNullException.ThrowIfNull(image);
        nint handle;
        fixed (byte* data = image)
        {
            CudaCheck.Driver(CuDriver.cuModuleLoadData(&handle, data));
        }

        _handle = handle;
    }

    /// <exception cref="CudaException">CUDA_ERROR_NOT_FOUND when no kernel has that name.</exception>
    public CudaKernel Kernel(string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name + "\0");
        nint function;
        fixed (byte* data = bytes)
        {
            CudaCheck.Driver(CuDriver.cuModuleGetFunction(&function, _handle, data));
        }

        return new CudaKernel(name, function);
    }

    public void Dispose()
    {
        if (_handle != 0)
        {
            _ = CuDriver.cuModuleUnload(_handle);
            _handle = 0;
        }
    }
}

/// <summary>A kernel ready to launch.</summary>
public sealed unsafe class CudaKernel(string name, nint function)
{
    // CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES: launches above 48 KiB of dynamic shared memory must opt in.
    public string Name { get; } = name;

    /// <summary>Queues the kernel.</summary>
    /// <param name="stream">The stream it runs on.</param>
    /// <param name="grid">Thread blocks in x and y; a zero dimension launches nothing.</param>
    /// <param name="block">Threads per block.</param>
    /// <param name="sharedBytes">Dynamic shared memory per block.</param>
    /// <param name="arguments">One pointer per kernel parameter, each to a value of the parameter's exact type.</param>
    public void Launch(CudaStream stream, (uint X, uint Y) grid, uint block, uint sharedBytes, void** arguments) =>
        Launch(stream, (grid.X, grid.Y, 1u), block, sharedBytes, arguments);

    /// <summary>Queues the kernel on a three-dimensional grid; a zero dimension launches nothing.</summary>
    public void Launch(CudaStream stream, (uint X, uint Y, uint Z) grid, uint block, uint sharedBytes, void** arguments)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (grid.X == 0 || grid.Y == 0 || grid.Z == 0)
        {
            return;
        }

        CudaCheck.Driver(CuDriver.cuLaunchKernel(function, grid.X, grid.Y, grid.Z, block, 1, 1, sharedBytes, stream.Handle, arguments, null));
    }
}
