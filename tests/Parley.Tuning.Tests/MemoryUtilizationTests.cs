namespace Parley.Tuning.Tests;

public class MemoryUtilizationTests
{
    [Theory]
    [InlineData(12_288, 0.89)]   // RTX 3060: 1 - (1 + 0.24) / 12 = 0.896
    [InlineData(15_109, 0.91)]   // T4: 1 - (1 + 0.295) / 14.75 = 0.912
    [InlineData(23_034, 0.93)]   // L4: 1 - (1 + 0.45) / 22.49 = 0.935
    [InlineData(4_864, 0.76)]    // A100 MIG 1g.5gb: 1 - (1 + 0.095) / 4.75 = 0.769
    [InlineData(81_559, 0.95)]   // H100: 0.967, capped
    [InlineData(2_048, 0.70)]    // 2 GiB: 0.48, raised to the floor
    public void ForGpu_GivesSmallCardsProportionallyMoreHeadroom(int memoryMiB, double expected)
    {
        MemoryUtilization.ForGpu(memoryMiB * Bytes.MiB).Should().Be(expected);
    }

    [Fact]
    public void ForGpu_NeverDecreasesWithMemory()
    {
        var values = Enumerable.Range(1, 200).Select(gib => MemoryUtilization.ForGpu(gib * Bytes.GiB)).ToList();

        values.Should().BeInAscendingOrder();
    }
}
