// Turns hub error answers into what the user should do. The hub names the cause in X-Error-Code (RepoNotFound,
// RevisionNotFound, EntryNotFound, GatedRepo), as huggingface_hub reads it; anonymous requests for a repository that does not
// exist get 401, not 404, so that private names do not leak.
using System.Net;

namespace Parley.Worker.Download;

/// <summary>Maps a response's status to success, a transient failure, or a message for the user.</summary>
internal static class HubAnswers
{
    public static void ThrowIfFailed(HttpResponseMessage response, string repoId, string revision, string? file, Uri endpoint)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var code = response.Headers.TryGetValues("X-Error-Code", out var values) ? values.FirstOrDefault() : null;
        throw response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new HubDownloadException(
                $"model {repoId} is gated or private: set HF_TOKEN to a token that has accepted its license at {endpoint}{repoId}"
                + (code == "RepoNotFound" ? " (the hub answers the same for a model that does not exist: check the name)." : ".")),
            HttpStatusCode.NotFound => NotFound(code, repoId, revision, file),
            HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests => Transient(response, status),
            _ when status >= 500 => Transient(response, status),
            _ => new HubDownloadException($"the hub answered {status} {response.ReasonPhrase} to {response.RequestMessage?.RequestUri}."),
        };
    }

    private static HubDownloadException NotFound(string? code, string repoId, string revision, string? file) => code switch
    {
        "RepoNotFound" => new($"no model {repoId} on the hub."),
        "RevisionNotFound" => new($"revision '{revision}' of {repoId} does not exist."),
        _ when file is not null => new($"{repoId} has no file {file} at commit {revision}."),
        _ => new($"no model {repoId} with a revision '{revision}' on the hub."),
    };

    private static TransientHubException Transient(HttpResponseMessage response, int status)
    {
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => (TimeSpan?)null,
        };
        return new TransientHubException($"the hub answered {status} {response.ReasonPhrase}.", retryAfter);
    }
}
