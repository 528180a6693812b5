using Parley.Engine.Backends.Cuda;

namespace Parley.Engine.Tests.Backends.Cuda;

public sealed class TerminationLogTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"parley-termination-{Guid.NewGuid():N}");

    [Fact]
    public void Write_MultiLineMessage_LeavesOneLine()
    {
        new TerminationLog(_path).Write("GPU out of memory while loading weights:\nCUDA_ERROR_OUT_OF_MEMORY\r\n").Should().BeTrue();

        File.ReadAllText(_path).Should().Be("GPU out of memory while loading weights: CUDA_ERROR_OUT_OF_MEMORY\n");
    }

    [Fact]
    public void Write_ReplacesAnEarlierMessage()
    {
        var log = new TerminationLog(_path);
        log.Write("first");
        log.Write("second");

        File.ReadAllLines(_path).Should().Equal("second");
    }

    [Fact]
    public void Write_LongMessage_IsCutToKubernetesLimit()
    {
        new TerminationLog(_path).Write(new string('x', 10_000));

        new FileInfo(_path).Length.Should().Be(4096);
    }

    [Fact]
    public void Write_WhereTheFileCannotBeWritten_ReturnsFalse()
    {
        new TerminationLog(Path.Combine(_path, "missing-folder", "termination-log")).Write("x").Should().BeFalse();
    }

    [Fact]
    public void OutOfMemoryLine_StartsWithThePrefixTheOperatorReadsAndHasTheNumbers()
    {
        var line = TerminationLog.OutOfMemoryLine("allocating the KV cache", "cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY (2).", 512L << 20, 80L << 30);

        line.Should().Be("GPU out of memory while allocating the KV cache: cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY (2). (0.50 GiB free of 80.00 GiB)");
    }

    public void Dispose() => File.Delete(_path);
}
