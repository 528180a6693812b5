// --api-key guards /v1/* only (as vLLM does): probes (/health), scrapes (/metrics) and the chat page need no secret.
// The key arrives as `Authorization: Bearer <key>`; it is compared in constant time.
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Parley.Worker.Api;

/// <summary>Refuses /v1 requests without the API key.</summary>
public sealed class ApiKeyCheck(RequestDelegate next, WorkerOptions options)
{
    private readonly byte[]? _expected = options.ApiKey is { Length: > 0 } key ? Encoding.UTF8.GetBytes(key) : null;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_expected is not null && context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal) && !Authorized(context.Request))
        {
            await ErrorHandling.WriteAsync(context, new ApiException(401, "Missing or wrong API key: send it as 'Authorization: Bearer <key>'.")).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private bool Authorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()), _expected);
    }
}
