// POST /invocations, the SageMaker-style entry vLLM serves: one path for both APIs, routed by the body — messages go
// to chat completions, a prompt to completions.
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Parley.Worker.Metrics;
using Parley.Worker.Serving;

namespace Parley.Worker.Http;

/// <summary>Routes an invocation to the API its body is shaped for.</summary>
public static class InvocationsEndpoint
{
    public static async Task HandleAsync(HttpContext context, ModelHost host, WorkerOptions options, WorkerMetrics metrics, ILogger<ModelHost> logger)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Request.EnableBuffering();
        var route = await RouteAsync(context.Request).ConfigureAwait(false);
        context.Request.Body.Position = 0;
        await (route switch
        {
            "messages" => ChatCompletionsEndpoint.HandleAsync(context, host, options, metrics, logger),
            "prompt" => CompletionsEndpoint.HandleAsync(context, host, options, metrics, logger),
            _ => throw ApiException.BadRequest("/invocations needs messages (chat completions) or prompt (completions) in the body."),
        }).ConfigureAwait(false);
    }

    // Only the top-level keys are looked at here; the endpoint reads and checks the body as usual.
    private static async Task<string?> RouteAsync(HttpRequest request)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
            return body.RootElement.ValueKind != JsonValueKind.Object ? null
                : body.RootElement.TryGetProperty("messages", out _) ? "messages"
                : body.RootElement.TryGetProperty("prompt", out _) ? "prompt"
                : null;
        }
        catch (JsonException)
        {
            return "prompt"; // the completions endpoint answers malformed JSON with its usual 400
        }
    }
}
