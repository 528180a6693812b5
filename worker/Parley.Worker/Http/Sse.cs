// Server-sent events exactly as OpenAI and vLLM send them: `data: {json}` and a blank line per chunk, flushed at once
// so a token reaches the client the moment it exists, and `data: [DONE]` at the end.
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Parley.Worker.Http;

/// <summary>Writes an SSE stream.</summary>
public static class Sse
{
    public static void Start(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx-style proxies must not hold chunks back
    }

    public static async Task WriteAsync(HttpResponse response, JsonNode chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(chunk);
        await response.WriteAsync($"data: {chunk.ToJsonString()}\n\n", cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True once <see cref="Start"/> made the response an event stream.</summary>
    public static bool IsStream(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.ContentType?.StartsWith("text/event-stream", StringComparison.Ordinal) == true;
    }

    /// <summary>Ends a started stream with an in-band error event and [DONE].</summary>
    public static async Task ErrorAsync(HttpResponse response, ErrorBody error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        await response.WriteAsync($"data: {System.Text.Json.JsonSerializer.Serialize(error)}\n\n", cancellationToken).ConfigureAwait(false);
        await DoneAsync(response, cancellationToken).ConfigureAwait(false);
    }

    public static async Task DoneAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        await response.WriteAsync("data: [DONE]\n\n", cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
