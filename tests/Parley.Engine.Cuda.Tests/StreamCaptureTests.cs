// Graph capture on the emulated CUDA, as the backend begins it (CU_STREAM_CAPTURE_MODE_THREAD_LOCAL): an allocation on
// the capturing thread is refused and invalidates that capture, as the real driver does, while another thread's
// allocations go on, so one backend may load while another captures its decode graphs.
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Testing;

namespace Parley.Engine.Cuda.Tests;

public sealed class StreamCaptureTests
{
    static StreamCaptureTests() => CudaEmulator.UseInThisProcess();

    [Fact]
    public void AThreadLocalCapture_RefusesOnlyItsOwnThreadsAllocations()
    {
        using var device = CudaDevice.Open();
        using var stream = new CudaStream();
        stream.BeginCapture();

        // On a thread of its own, since the capture belongs to this one and must end here.
        Exception? failure = null;
        long elsewhere = 0;
        var other = new Thread(() =>
        {
            try
            {
                device.MakeCurrent();
                using var buffer = new DeviceBuffer(4096);
                elsewhere = buffer.Bytes;
            }
            catch (CudaException exception)
            {
                failure = exception;
            }
        });
        other.Start();
        other.Join();
        var here = () => new DeviceBuffer(4096);

        failure.Should().BeNull("another thread's allocation is not part of this capture");
        elsewhere.Should().Be(4096);
        here.Should().Throw<CudaException>().WithMessage("*CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED*");
        stream.Invoking(capturing => capturing.EndCapture()).Should().Throw<CudaException>().WithMessage("*CUDA_ERROR_STREAM_CAPTURE_INVALIDATED*",
            "the refused allocation invalidated the capture");
    }
}
