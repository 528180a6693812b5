// One hostile request and the answer it must get. Bodies are bytes, so invalid UTF-8 can be sent as it is; a raw
// target is written into the request line unchanged (percent-encoded paths that HttpClient would normalize).
using System.Text;

namespace Parley.Worker.Tests.Hostile;

/// <summary>A request an attacker or a careless client sends, and the status it must get.</summary>
public sealed record HostileCase(string Name, string Method, string Target, byte[]? Body, int Status)
{
    /// <summary>Sends the API key (the worker under test requires one).</summary>
    public bool WithKey { get; init; } = true;

    /// <summary>Extra headers; an Authorization header here replaces the key.</summary>
    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

    /// <summary>The OpenAI-shaped error type the body must carry; null when the framework answers without a body.</summary>
    public string? ErrorType { get; init; } = ErrorTypes(Status);

    public override string ToString() => Name;

    public static HostileCase Post(string name, string target, string json, int status) => new(name, "POST", target, Encoding.UTF8.GetBytes(json), status);

    /// <summary>A chat request with <paramref name="fields"/> added (and max_tokens 2 unless they set it).</summary>
    public static HostileCase Chat(string name, string fields, int status) =>
        Post(name, "/v1/chat/completions", $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}]{Short(fields)}{fields}}}", status);

    /// <summary>A completion request with <paramref name="fields"/> added (and max_tokens 2 unless they set it).</summary>
    public static HostileCase Completion(string name, string fields, int status) =>
        Post(name, "/v1/completions", $"{{\"prompt\":\"hi\"{Short(fields)}{fields}}}", status);

    // Generation is kept short; a case that is about max_tokens sets its own, without a duplicate key beside it.
    private static string Short(string fields) =>
        (fields.Contains("\"max_tokens\"", StringComparison.Ordinal) || fields.Contains("\"max_completion_tokens\"", StringComparison.Ordinal) ? "" : ",\"max_tokens\":2")
        + (fields.Length > 0 ? "," : "");

    public static HostileCase Messages(string name, string messages, int status) =>
        Post(name, "/v1/chat/completions", $"{{\"messages\":{messages},\"max_tokens\":2}}", status);

    public static HostileCase Raw(string name, string target, byte[] body, int status) => new(name, "POST", target, body, status);

    private static string? ErrorTypes(int status) => status switch
    {
        400 => "BadRequestError",
        401 => "AuthenticationError",
        403 => "PermissionDeniedError",
        413 => "RequestTooLargeError",
        _ => null,
    };
}
