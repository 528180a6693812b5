// A failure worth another try after a delay: 408, 429 and 5xx answers, and downloads that end early.
namespace Parley.Worker.Download;

/// <summary>A response the retry pipeline tries again, after <see cref="RetryAfter"/> when the server named one.</summary>
internal sealed class TransientHubException : Exception
{
    public TransientHubException()
    {
    }

    public TransientHubException(string message)
        : base(message)
    {
    }

    public TransientHubException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TransientHubException(string message, TimeSpan? retryAfter)
        : base(message) => RetryAfter = retryAfter;

    public TimeSpan? RetryAfter { get; }
}
