namespace Parley.Api.Tests;

public class DurationsTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5h", 5400)]
    [InlineData("500ms", 0.5)]
    [InlineData("0s", 0)]
    public void TryParse_KubernetesDurations_GivesTheirLength(string text, double seconds)
    {
        Durations.TryParse(text, out var duration).Should().BeTrue();

        duration.TotalSeconds.Should().Be(seconds);
    }

    [Theory]
    [InlineData("30")]
    [InlineData("5 m")]
    [InlineData("-5m")]
    [InlineData("5d")]
    [InlineData("")]
    [InlineData("5m\n")]
    public void TryParse_AnythingElse_IsRefused(string text)
    {
        Durations.TryParse(text, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData(90, "1m30s")]
    [InlineData(3600, "1h")]
    [InlineData(0, "0ms")]
    [InlineData(5, "5s")]
    public void Format_WritesTheSpecsSpelling(int seconds, string expected)
    {
        Durations.Format(TimeSpan.FromSeconds(seconds)).Should().Be(expected);
    }
}
