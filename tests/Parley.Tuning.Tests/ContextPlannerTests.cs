namespace Parley.Tuning.Tests;

public class ContextPlannerTests
{
    [Theory]
    [InlineData(232_256, 131_072, 4, 58_064)]    // 232,256 / 4 = 58,064, already whole blocks
    [InlineData(100_000, 131_072, 3, 33_328)]    // 33,333 rounded down to 16
    [InlineData(2_665_888, 131_072, 4, 131_072)] // capped at the model's limit
    [InlineData(33_680, 8_192, 4, 8_192)]
    public void MaxModelLen_SharesTheCacheAmongTargetConcurrency(long tokens, int limit, int concurrency, int expected)
    {
        ContextPlanner.MaxModelLen(tokens, limit, concurrency).Should().Be(expected);
    }

    [Theory]
    [InlineData(232_256, 4, 112)]    // 113 typical chats, in steps of 8
    [InlineData(2_665_888, 4, 256)]  // capped
    [InlineData(10_000, 4, 4)]       // never below targetConcurrency
    [InlineData(10_000, 1, 1)]
    public void MaxNumSeqs_SizesTheBatchForTypicalChats(long tokens, int concurrency, int expected)
    {
        ContextPlanner.MaxNumSeqs(tokens, concurrency).Should().Be(expected);
    }

    [Theory]
    [InlineData(131_072, 4096)]
    [InlineData(2048, 2048)]
    public void MinimumContext_IsFourThousandTokensOrTheModelLimit(int limit, int expected)
    {
        ContextPlanner.MinimumContext(limit).Should().Be(expected);
    }
}
