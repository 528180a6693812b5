// With an API key set, the router refuses what the worker would refuse without it (/v1/*, /tokenize, /detokenize,
// /invocations), so a request without the key never wakes a replica or takes a place in the hold queue. The header goes
// on to the worker unchanged; it checks the key too. /health, /metrics and the chat page at / stay open, as on the worker.
// Paths are matched by segment and case-insensitively on the decoded path, as routing sees it; the key is compared in
// constant time and trimmed like the worker's (a Secret written with a trailing newline is the same key).
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Parley.Router.Proxy;

/// <summary>Answers 401 to key-guarded paths without <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
public sealed class ApiKeyGate(RequestDelegate next, RouterOptions options)
{
    private static readonly PathString[] GuardedPaths = ["/v1", "/tokenize", "/detokenize", "/invocations"];

    private readonly byte[]? _expected = options.ApiKey?.Trim() is { Length: > 0 } key ? Encoding.UTF8.GetBytes(key) : null;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_expected is not null && IsGuarded(context.Request.Path) && !IsAuthorized(context.Request))
        {
            await RouterErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "Missing or wrong API key: send it as 'Authorization: Bearer <key>'.").ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private static bool IsGuarded(PathString path) => GuardedPaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    private bool IsAuthorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()), _expected);
    }
}
