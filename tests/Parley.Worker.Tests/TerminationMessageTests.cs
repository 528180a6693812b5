using Parley.Engine.Backends.Cuda;
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Worker.Serving;

namespace Parley.Worker.Tests;

public sealed class TerminationMessageTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"parley-termination-{Guid.NewGuid():N}");

    [Fact]
    public void Write_MultiLineMessage_LeavesOneLine()
    {
        new TerminationMessage(_path).Write("GPU out of memory while loading weights:\nCUDA_ERROR_OUT_OF_MEMORY\r\n").Should().BeTrue();

        File.ReadAllText(_path).Should().Be("GPU out of memory while loading weights: CUDA_ERROR_OUT_OF_MEMORY\n");
    }

    [Fact]
    public void Write_ReplacesAnEarlierMessage()
    {
        var message = new TerminationMessage(_path);
        message.Write("first");
        message.Write("second");

        File.ReadAllLines(_path).Should().Equal("second");
    }

    [Fact]
    public void Write_LongMessage_IsCutToKubernetesLimit()
    {
        new TerminationMessage(_path).Write(new string('x', 10_000));

        new FileInfo(_path).Length.Should().Be(4096);
    }

    [Fact]
    public void Write_WhereTheFileCannotBeWritten_ReturnsFalse()
    {
        new TerminationMessage(Path.Combine(_path, "missing-folder", "termination-log")).Write("x").Should().BeFalse();
    }

    [Fact]
    public void Write_OutOfMemory_GivesThePhaseTheCallAndTheNumbers()
    {
        var cause = new CudaException("cuMemAlloc_v2", 2, "CUDA_ERROR_OUT_OF_MEMORY");

        new TerminationMessage(_path).Write(new GpuOutOfMemoryException("allocating the KV cache", 512L << 20, 80L << 30, cause));

        File.ReadAllText(_path).Should().Be(
            "GPU out of memory while allocating the KV cache: cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2). (0.50 GiB free of 80.00 GiB)\n");
    }

    public void Dispose() => File.Delete(_path);
}
