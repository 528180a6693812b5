// Errors in OpenAI's JSON shape, {"error": {"message", "type", "param", "code"}}, with vLLM's type names, so SDKs
// raise their usual exception classes (BadRequestError, AuthenticationError, NotFoundError, ...) with our message.
using System.Text.Json.Serialization;

namespace Parley.Worker.Http;

/// <summary>An error answer: what the client did wrong or why the server cannot serve it now.</summary>
public sealed class ApiException(int status, string message, string? param = null, TimeSpan? retryAfter = null) : Exception(message)
{
    public int Status { get; } = status;
    public string? Param { get; } = param;

    /// <summary>Sent as Retry-After on 429 and 503.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    public string Type => Status switch
    {
        400 => "BadRequestError",
        401 => "AuthenticationError",
        403 => "PermissionDeniedError",
        404 => "NotFoundError",
        408 => "RequestTimeoutError",
        413 => "RequestTooLargeError",
        429 => "RateLimitError",
        503 => "ServiceUnavailableError",
        _ => "InternalServerError",
    };

    public static ApiException BadRequest(string message, string? param = null) => new(400, message, param);
}

/// <summary>The body of an error answer.</summary>
public sealed record ErrorBody([property: JsonPropertyName("error")] ErrorDetail Error);

/// <summary>OpenAI's error fields.</summary>
public sealed record ErrorDetail(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] int Code);
