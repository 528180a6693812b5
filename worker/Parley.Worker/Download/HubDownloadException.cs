// A download failure worded for the person who started the worker; retrying the same request will not help.
namespace Parley.Worker.Download;

/// <summary>The model cannot be fetched; <see cref="Exception.Message"/> says what to change.</summary>
public sealed class HubDownloadException : Exception
{
    public HubDownloadException()
    {
    }

    public HubDownloadException(string message)
        : base(message)
    {
    }

    public HubDownloadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
