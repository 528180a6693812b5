// The three hub requests the download needs, with redirects followed by hand: a HEAD must stop at the hub's redirect
// to storage, because that response carries the file's sha256 and size (X-Linked-Etag, X-Linked-Size); it follows only
// redirects within the hub, such as a renamed repository's. A GET follows every redirect to the bytes.
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Parley.Worker.Download;

/// <summary>Talks to one repository on the hub; answers that are not success become exceptions (see <see cref="HubAnswers"/>).</summary>
internal sealed class HubClient(HttpClient http, HubOptions options, string repoId)
{
    // Hub redirects are at most two deep (renamed repository, then storage); more means a loop.
    private const int MaxRedirectCount = 5;

    private readonly Uri _endpoint = new(options.Endpoint.AbsoluteUri.TrimEnd('/') + "/");

    /// <summary>Creates the client this class expects: redirects are left to it.</summary>
    public static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromMinutes(2),
        };

    public async Task<RevisionInfo> GetRevisionAsync(string revision, CancellationToken ct)
    {
        var uri = new Uri(_endpoint, $"api/models/{repoId}/revision/{Uri.EscapeDataString(revision)}");
        using var response = await SendAsync(HttpMethod.Get, uri, offset: 0, isMetadata: false, ct).ConfigureAwait(false);
        HubAnswers.ThrowIfFailed(response, repoId, revision, file: null, _endpoint);
        var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            using var json = await JsonDocument.ParseAsync(body, cancellationToken: ct).ConfigureAwait(false);
            return RevisionInfo.Parse(json.RootElement);
        }
    }

    public async Task<FileMetadata> GetFileMetadataAsync(string commit, string file, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Head, ResolveUri(commit, file), offset: 0, isMetadata: true, ct).ConfigureAwait(false);
        if (!IsRedirect(response.StatusCode))
        {
            HubAnswers.ThrowIfFailed(response, repoId, commit, file, _endpoint);
        }

        return FileMetadata.FromHeaders(response)
            ?? throw new HubDownloadException($"the hub sent no usable ETag for {file} of {repoId}: is HF_ENDPOINT a Hugging Face hub?");
    }

    /// <summary>Starts a download from <paramref name="offset"/>; the caller reads and disposes the response.</summary>
    public async Task<HttpResponseMessage> GetFileAsync(string commit, string file, long offset, CancellationToken ct)
    {
        var response = await SendAsync(HttpMethod.Get, ResolveUri(commit, file), offset, isMetadata: false, ct).ConfigureAwait(false);
        try
        {
            HubAnswers.ThrowIfFailed(response, repoId, commit, file, _endpoint);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private Uri ResolveUri(string commit, string file) =>
        new(_endpoint, $"{repoId}/resolve/{commit}/{string.Join('/', file.Split('/').Select(Uri.EscapeDataString))}");

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, long offset, bool isMetadata, CancellationToken ct)
    {
        for (var redirectCount = 0; ; redirectCount++)
        {
            using var request = new HttpRequestMessage(method, uri);
            // The token is for the hub only; storage URLs are pre-signed and must not see it.
            if (options.Token is not null && IsHub(uri))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
            }

            if (offset > 0)
            {
                request.Headers.Range = new RangeHeaderValue(offset, null);
            }

            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
            {
                return response;
            }

            var next = new Uri(uri, location);
            if ((isMetadata && (!SameHost(next, uri) || response.Headers.Contains("X-Linked-Etag"))) || redirectCount == MaxRedirectCount)
            {
                return response;
            }

            response.Dispose();
            uri = next;
        }
    }

    private bool IsHub(Uri uri) => SameHost(uri, _endpoint);

    private static bool SameHost(Uri a, Uri b) =>
        string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    private static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and < 400;
}
