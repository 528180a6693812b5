using Parley.Engine.Text;

namespace Parley.Engine.Tests.Text;

public class StopCheckerTests
{
    [Fact]
    public void Append_StopStringSplitAcrossDeltas_StopsWithoutShowingIt()
    {
        var checker = new StopChecker(["\nUser:"]);

        checker.Append("Hello there.\nUs").Should().Be(new StopResult("Hello there.", null));
        checker.Append("er: next").Should().Be(new StopResult("", "\nUser:"));
    }

    [Fact]
    public void Append_IncludeStopInOutput_KeepsTheStopString()
    {
        new StopChecker(["END"], includeStopInOutput: true).Append("doneEND more").Should().Be(new StopResult("doneEND", "END"));
    }

    [Fact]
    public void Append_TextThatOnlyLookedLikeAStop_IsReleased()
    {
        var checker = new StopChecker(["###"]);

        checker.Append("a #").Text.Should().Be("a ");
        checker.Append("# b").Should().Be(new StopResult("## b", null));
        checker.Append("#").Text.Should().BeEmpty();
        checker.Flush().Should().Be("#");
    }

    [Fact]
    public void Append_EarliestOfSeveralStopsWins()
    {
        new StopChecker(["world", "lo w"]).Append("hello world").Should().Be(new StopResult("hel", "lo w"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Append_AnyChunking_EmitsTheSameTextBeforeTheStop(int step)
    {
        const string output = "The answer is 42.<|im_end|>ignored";
        var checker = new StopChecker(["<|im_end|>", "\n\n\n"]);
        var emitted = "";
        string? stop = null;
        for (var i = 0; i < output.Length && stop is null; i += step)
        {
            var result = checker.Append(output.Substring(i, Math.Min(step, output.Length - i)));
            emitted += result.Text;
            stop = result.MatchedStop;
        }

        emitted.Should().Be("The answer is 42.");
        stop.Should().Be("<|im_end|>");
    }

    [Fact]
    public void Append_NoStops_PassesEverythingThrough()
    {
        new StopChecker([]).Append("anything").Should().Be(new StopResult("anything", null));
    }
}
