using Parley.Worker.Download;

namespace Parley.Worker.Tests.Download;

public sealed class DownloadProgressTests
{
    [Fact]
    public void Report_WithinTheInterval_LogsAtMostOnce()
    {
        var logger = new ListLogger();
        var progress = new DownloadProgress(logger, "model.safetensors", 10_000_000, 0, TimeSpan.FromHours(1));

        progress.Report(1_000_000);
        progress.Report(2_000_000);
        progress.Report(3_000_000);

        logger.Lines.Should().BeEmpty();
    }

    [Fact]
    public void Report_AfterTheInterval_LogsMegabytesOfTotalAndRate()
    {
        var logger = new ListLogger();
        var progress = new DownloadProgress(logger, "model.safetensors", 10_000_000, 0, TimeSpan.Zero);

        progress.Report(2_500_000);
        progress.Complete(10_000_000);

        logger.Lines.Should().HaveCount(2);
        logger.Lines.First().Should().MatchRegex(@"^Downloading model\.safetensors: 2\.5 of 10\.0 MB at \d+(\.\d)? MB/s$");
        logger.Lines.Last().Should().MatchRegex(@"^Downloaded model\.safetensors: 10\.0 MB in \d+\.\d s at \d+(\.\d)? MB/s$");
    }
}
