// One file's progress in the log: a line every ProgressInterval while bytes arrive, and one at the end.
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Parley.Worker.Download;

/// <summary>Throttled progress reporting for one file.</summary>
internal sealed class DownloadProgress(ILogger logger, string file, long? totalBytes, long startBytes, TimeSpan interval)
{
    // Decimal megabytes, as the hub's web page shows file sizes.
    private const double BytesPerMb = 1_000_000;

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastReport;

    public void Report(long doneBytes)
    {
        if (_clock.Elapsed - _lastReport < interval)
        {
            return;
        }

        _lastReport = _clock.Elapsed;
        var rate = Rate(doneBytes);
        DownloadLog.Progress(logger, file, doneBytes / BytesPerMb, (totalBytes ?? doneBytes) / BytesPerMb, rate);
    }

    public void Complete(long doneBytes)
    {
        var seconds = _clock.Elapsed.TotalSeconds;
        var rate = Rate(doneBytes);
        DownloadLog.Completed(logger, file, doneBytes / BytesPerMb, seconds, rate);
    }

    // Counts only this run's bytes, so a resumed file does not report the earlier run's as speed.
    private double Rate(long doneBytes) => (doneBytes - startBytes) / BytesPerMb / Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
}
