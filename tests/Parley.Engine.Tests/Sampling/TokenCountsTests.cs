using Parley.Engine.Sampling;

namespace Parley.Engine.Tests.Sampling;

public class TokenCountsTests
{
    [Fact]
    public void Update_TokenByToken_EqualsCountingAllAtOnce()
    {
        int[] prompt = [5, 6, 5];
        int[] output = [1, 2, 1, 1, 7];
        var incremental = new TokenCounts();
        for (var length = 0; length <= output.Length; length++)
            incremental.Update(prompt, output.AsSpan(0, length));
        var once = new TokenCounts();
        once.Update(prompt, output);

        incremental.PromptTokens.Should().BeEquivalentTo(new[] { 5, 6 });
        incremental.OutputCounts.Should().BeEquivalentTo(new Dictionary<int, int> { [1] = 3, [2] = 1, [7] = 1 });
        incremental.OutputCounts.Should().BeEquivalentTo(once.OutputCounts);
    }

    [Fact]
    public void Update_SequenceGotShorter_CountsItAgainFromTheStart()
    {
        var counts = new TokenCounts();
        counts.Update([1, 2], [3, 3, 4]);

        counts.Update([2], [4]);

        counts.PromptTokens.Should().BeEquivalentTo(new[] { 2 });
        counts.OutputCounts.Should().BeEquivalentTo(new Dictionary<int, int> { [4] = 1 });
    }
}
