// Transient failures (connection resets, downloads cut short, stalls, 408/429/5xx) are retried a bounded number of times
// with exponential backoff, or after the server's Retry-After; each try resumes from what is on disk. Everything else
// (401/403/404, checksum mismatch) fails at once: trying again would answer the same.
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Parley.Worker.Download;

/// <summary>Builds the retry pipeline every hub request runs in.</summary>
internal static class HubRetry
{
    public static ResiliencePipeline Create(HubOptions options, ILogger logger) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = Math.Max(0, options.MaxAttemptCount - 1),
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                DelayGenerator = args => new ValueTask<TimeSpan?>(
                    args.Outcome.Exception is TransientHubException { RetryAfter: { } after }
                        ? TimeSpan.FromTicks(Math.Clamp(after.Ticks, 0, options.MaxRetryDelay.Ticks))
                        : null),
                OnRetry = args =>
                {
                    DownloadLog.Retrying(logger, args.AttemptNumber + 1, options.MaxAttemptCount, args.RetryDelay.TotalSeconds,
                        args.Outcome.Exception?.Message ?? "");
                    return default;
                },
            })
            .Build();

    // HttpRequestException covers refused and reset connections before the answer; HttpIOException a body cut short;
    // a TaskCanceledException with a TimeoutException inside is HttpClient's own timeout, not the caller cancelling.
    public static bool IsTransient(Exception e) => e switch
    {
        TransientHubException or HttpRequestException or HttpIOException or TimeoutException => true,
        TaskCanceledException { InnerException: TimeoutException } => true,
        IOException { InnerException: SocketException } => true,
        _ => false,
    };
}
