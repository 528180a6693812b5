// Every log line the download writes, with fixed templates.
using Microsoft.Extensions.Logging;

namespace Parley.Worker.Download;

internal static partial class DownloadLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Using model {Repo} at {Revision} (commit {Commit}) from {Folder}")]
    public static partial void Ready(ILogger logger, string repo, string revision, string commit, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Downloading {File}: {DoneMb:F1} of {TotalMb:F1} MB at {MbPerSecond:F1} MB/s")]
    public static partial void Progress(ILogger logger, string file, double doneMb, double totalMb, double mbPerSecond);

    [LoggerMessage(Level = LogLevel.Information, Message = "Downloaded {File}: {TotalMb:F1} MB in {Seconds:F1} s at {MbPerSecond:F1} MB/s")]
    public static partial void Completed(ILogger logger, string file, double totalMb, double seconds, double mbPerSecond);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {File} at {DoneMb:F1} MB")]
    public static partial void Resuming(ILogger logger, string file, double doneMb);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The server ignored the range request for {File}; downloading it from the start")]
    public static partial void RangeIgnored(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub request failed, try {Attempt} of {MaxAttempts} in {DelaySeconds:F1} s: {Reason}")]
    public static partial void Retrying(ILogger logger, int attempt, int maxAttempts, double delaySeconds, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The hub is unreachable ({Reason}); using the cached snapshot {Commit} of {Repo}")]
    public static partial void UsingCacheAfterFailure(ILogger logger, string reason, string commit, string repo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for another download of {File} to finish (lock {LockPath})")]
    public static partial void WaitingForLock(ILogger logger, string file, string lockPath);
}
