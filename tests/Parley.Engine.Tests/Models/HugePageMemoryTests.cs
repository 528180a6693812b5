using Parley.Engine.Models;

namespace Parley.Engine.Tests.Models;

public sealed unsafe class HugePageMemoryTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(HugePageMemory.PageBytes + 1)]
    public void Allocation_StartsOnA2MiBBoundaryAndHoldsItsLength(long length)
    {
        using var memory = new HugePageMemory(length);

        ((nint)memory.Pointer % HugePageMemory.PageBytes).Should().Be(0);
        memory.Length.Should().Be(length);
        new Span<byte>(memory.Pointer, (int)length).Fill(0x5A); // every byte of the length is writable
    }

    [Fact]
    public void Allocation_IsFaultedInAsHugePagesWhereTheKernelUsesAdvisedOnes()
    {
        var mode = TransparentHugePages.Mode();
        const long length = 4 * HugePageMemory.PageBytes;
        using var memory = new HugePageMemory(length);
        new Span<byte>(memory.Pointer, (int)length).Fill(1);

        memory.IsAdvised.Should().Be(mode is not null, "madvise(MADV_HUGEPAGE) is refused only by kernels built without transparent huge pages");
        var hugePageBytes = TransparentHugePages.HugePageBytes((nint)memory.Pointer);
        if (mode is "always" or "madvise")
        {
            hugePageBytes.Should().BeGreaterThan(0, $"the kernel's setting is [{mode}], and the memory was advised before its first touch");
        }
        else
        {
            hugePageBytes.Should().Be(0, $"the kernel's setting is [{mode}]");
        }
    }

    [Fact]
    public void Pointer_AfterDispose_Throws()
    {
        var memory = new HugePageMemory(16);
        memory.Dispose();

        var read = () => (nint)memory.Pointer;

        read.Should().Throw<ObjectDisposedException>();
    }
}
