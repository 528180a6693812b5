// The router's own error answers in OpenAI's JSON shape, {"error": {"message", "type", "param", "code"}}, with the
// worker's type names (worker/Parley.Worker/Http/ApiError.cs), so SDKs raise the same exception classes either way.
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Parley.Router.Proxy;

/// <summary>Writes error answers.</summary>
public static class RouterErrors
{
    /// <summary>What a held-out client is told to wait: the wake annotation's refresh interval, about when a starting
    /// replica could have changed the answer.</summary>
    public const int RetryAfterSeconds = 5;

    public static async Task WriteAsync(HttpContext context, int status, string message, int? retryAfterSeconds = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        if (retryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["message"] = message,
                ["type"] = TypeOf(status),
                ["param"] = null,
                ["code"] = status,
            },
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    private static string TypeOf(int status) => status switch
    {
        401 => "AuthenticationError",
        503 => "ServiceUnavailableError",
        _ => "InternalServerError",
    };
}
