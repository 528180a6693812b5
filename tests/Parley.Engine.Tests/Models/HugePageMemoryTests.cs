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

    // Huge pages are the kernel's best effort: a fault falls back to 4 KiB pages when no free 2 MiB page can be found
    // or compacted at that moment (the whole test run, several test processes at once, once left one allocation
    // without). So up to five allocations, each advised before its first touch, and at least one must get huge pages.
    [Fact]
    public void Allocation_IsFaultedInAsHugePagesWhereTheKernelUsesAdvisedOnes()
    {
        var mode = TransparentHugePages.Mode();
        const long length = 4 * HugePageMemory.PageBytes;
        var hugePageBytes = new List<long>();
        for (var attempt = 0; attempt < 5 && !hugePageBytes.Any(bytes => bytes > 0); attempt++)
        {
            using var memory = new HugePageMemory(length);
            new Span<byte>(memory.Pointer, (int)length).Fill(1);
            memory.IsAdvised.Should().Be(mode is not null, "madvise(MADV_HUGEPAGE) is refused only by kernels built without transparent huge pages");
            hugePageBytes.Add(TransparentHugePages.HugePageBytes((nint)memory.Pointer));
        }

        if (mode is "always" or "madvise")
        {
            hugePageBytes.Should().Contain(bytes => bytes > 0, $"the kernel's setting is [{mode}], and the memory was advised before its first touch");
        }
        else
        {
            hugePageBytes.Should().OnlyContain(bytes => bytes == 0, $"the kernel's setting is [{mode}]");
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
