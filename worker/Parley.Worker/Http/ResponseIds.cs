// Response ids: a client's X-Request-Id becomes the answer's id (chatcmpl-<id>, cmpl-<id>), as vLLM does, so logs on
// both sides line up; --enable-request-id-headers sends the id back in the response header. Engine request ids stay unique whatever clients send: two requests with the same header must not
// collide inside the engine.
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Parley.Worker.Http;

/// <summary>Picks the ids of one request.</summary>
public static partial class ResponseIds
{
    public const string Header = "X-Request-Id";

    /// <summary>The response id and the base of its engine request ids; with <paramref name="echo"/>
    /// (--enable-request-id-headers) the request id also goes back in the X-Request-Id response header.</summary>
    public static (string ResponseId, string EngineId) For(HttpContext context, string prefix, bool echo)
    {
        ArgumentNullException.ThrowIfNull(context);
        var unique = Guid.NewGuid().ToString("N");
        var client = ClientId(context.Request);
        if (echo)
        {
            context.Response.Headers[Header] = client ?? unique;
        }

        return client is not null ? ($"{prefix}-{client}", $"{prefix}-{client}-{unique}") : ($"{prefix}-{unique}", $"{prefix}-{unique}");
    }

    /// <summary>The client's X-Request-Id when it is a sane id (printable, at most 128 characters); otherwise null.</summary>
    public static string? ClientId(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.Headers[Header].ToString().Trim();
        return value.Length is > 0 and <= 128 && SaneId().IsMatch(value) ? value : null;
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]+$")]
    private static partial Regex SaneId();
}
