using Parley.Engine.Backends.Cpu;

namespace Parley.Engine.Tests.Backends.Cpu;

public unsafe class AlignedScratchTests
{
    [Fact]
    public void Rent_EverySize_StartsOnACacheLineWithRoomForTheCount()
    {
        // Each growth allocates a new pinned array, whose own start is only 8-byte aligned: unaligned pointers among
        // twenty sizes would show.
        var scratch = new AlignedScratch();
        for (var count = 2L; count < 1 << 20; count = count * 2 + 3)
        {
            var start = scratch.Rent(count);

            ((nint)start % AlignedScratch.Alignment).Should().Be(0, $"{count} floats start on a 64-byte boundary");
            scratch.Capacity.Should().BeGreaterThanOrEqualTo(count);
            start[0] = 1;
            start[count - 1] = 2;
            start[0].Should().Be(1);
            start[count - 1].Should().Be(2);
        }
    }

    [Fact]
    public void Rent_NoMoreThanBefore_KeepsTheSameMemory()
    {
        var scratch = new AlignedScratch();
        var large = scratch.Rent(10_000);
        large[9_999] = 42;

        var small = scratch.Rent(100);
        var again = scratch.Rent(10_000);

        ((nint)small).Should().Be((nint)large);
        ((nint)again).Should().Be((nint)large);
        again[9_999].Should().Be(42);
    }

    [Fact]
    public void Rent_NegativeCount_Throws()
    {
        var scratch = new AlignedScratch();

        scratch.Invoking(s => s.Rent(-1)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
