// A stream: the queue every copy, kernel and GEMM of one forward pass goes into, in order. Also the place where
// decode steps are captured into CUDA graphs.
namespace Parley.Engine.Backends.Cuda.Driver;

/// <summary>A CUDA stream.</summary>
public sealed unsafe class CudaStream : IDisposable
{
    // CU_STREAM_NON_BLOCKING: no implicit synchronisation with the legacy default stream, which graph capture forbids.
    private const uint NonBlocking = 1;

    // CU_STREAM_CAPTURE_MODE_THREAD_LOCAL: other threads may still call unsafe APIs (allocations) while this one captures.
    private const int CaptureModeThreadLocal = 1;

    public CudaStream()
    {
        nint handle;
        CudaCheck.Driver(CuDriver.cuStreamCreate(&handle, NonBlocking));
        Handle = handle;
    }

    public nint Handle { get; private set; }

    public void Synchronize() => CudaCheck.Driver(CuDriver.cuStreamSynchronize(Handle));

    /// <summary>Records everything queued until <see cref="EndCapture"/> into a graph instead of running it.</summary>
    public void BeginCapture() => CudaCheck.Driver(CuDriver.cuStreamBeginCapture(Handle, CaptureModeThreadLocal));

    /// <summary>Ends a capture and instantiates the graph it recorded.</summary>
    public CudaGraph EndCapture()
    {
        nint graph;
        CudaCheck.Driver(CuDriver.cuStreamEndCapture(Handle, &graph));
        try
        {
            nint executable;
            CudaCheck.Driver(CuDriver.cuGraphInstantiateWithFlags(&executable, graph, 0));
            return new CudaGraph(executable);
        }
        finally
        {
            _ = CuDriver.cuGraphDestroy(graph); // the executable keeps what it needs
        }
    }

    public void Dispose()
    {
        if (Handle != 0)
        {
            _ = CuDriver.cuStreamDestroy(Handle);
            Handle = 0;
        }
    }
}

/// <summary>An instantiated CUDA graph: a captured sequence of kernels replayed with one launch.</summary>
public sealed class CudaGraph(nint executable) : IDisposable
{
    private nint _executable = executable;

    public void Launch(CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CudaCheck.Driver(CuDriver.cuGraphLaunch(_executable, stream.Handle));
    }

    public void Dispose()
    {
        if (_executable != 0)
        {
            _ = CuDriver.cuGraphExecDestroy(_executable);
            _executable = 0;
        }
    }
}
