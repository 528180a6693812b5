// What a HEAD of {endpoint}/{repo}/resolve/{commit}/{file} says about the file. LFS files answer with a redirect to
// storage that carries X-Linked-Etag (the sha256 of the contents) and X-Linked-Size; small git files answer 200
// with an ETag (their git blob id) and Content-Length.
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Parley.Worker.Download;

/// <summary>A file's blob name and size as the hub reports them.</summary>
/// <param name="Etag">The ETag without quotes or weak marker: the blob's file name in the cache.</param>
/// <param name="Size">Bytes, when the hub said.</param>
internal sealed partial record FileMetadata(string Etag, long? Size)
{
    /// <summary>An LFS file's ETag is the sha256 of its contents, so the download can be checked against it.</summary>
    public string? Sha256 => Sha256Regex().IsMatch(Etag) ? Etag : null;

    public static FileMetadata? FromHeaders(HttpResponseMessage response)
    {
        var etag = Header(response, "X-Linked-Etag") ?? response.Headers.ETag?.Tag ?? Header(response, "ETag");
        // The ETag becomes a file name in blobs/: anything that could leave that folder is not a usable one.
        if (etag is null || Normalize(etag) is not { Length: > 0 } name || name.Contains('/', StringComparison.Ordinal)
            || name.Contains('\\', StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        var size = long.TryParse(Header(response, "X-Linked-Size"), out var linked) ? linked : response.Content.Headers.ContentLength;
        return new FileMetadata(name, size);
    }

    private static string Normalize(string etag) =>
        (etag.StartsWith("W/", StringComparison.Ordinal) ? etag[2..] : etag).Trim('"');

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault()
            : null;

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Regex();
}
