// --api-key guards what an endpoint declares with RequireApiKey(), as vLLM guards /v1/* plus /tokenize and
// /detokenize: probes (/health), scrapes (/metrics) and the chat page need no secret. The check reads the endpoint that
// routing matched, never the raw path, so every spelling routing accepts (/V1/models, /%56%31/models) is guarded alike.
// The key arrives as `Authorization: Bearer <key>`; it is compared in constant time. Both sides are trimmed: a key from
// a Secret written with a trailing newline (kubectl create secret --from-file, echo > file) is the same key.
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Parley.Worker.Http;

/// <summary>Endpoint metadata: the endpoint answers only requests that carry the API key (when one is set).</summary>
public sealed class ApiKeyRequired
{
    public static readonly ApiKeyRequired Instance = new();

    private ApiKeyRequired()
    {
    }
}

/// <summary>Declares endpoints that need the API key.</summary>
public static class ApiKeyEndpoints
{
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(ApiKeyRequired.Instance);
    }
}

/// <summary>Refuses requests to key-guarded endpoints without the API key. Runs after routing.</summary>
public sealed class ApiKeyCheck(RequestDelegate next, WorkerOptions options)
{
    private readonly byte[]? _expected = options.ApiKey?.Trim() is { Length: > 0 } key ? Encoding.UTF8.GetBytes(key) : null;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_expected is not null && context.GetEndpoint()?.Metadata.GetMetadata<ApiKeyRequired>() is not null && !Authorized(context.Request))
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
