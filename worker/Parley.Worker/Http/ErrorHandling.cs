// Every failure leaves as OpenAI-shaped JSON with the right status; bad input never becomes a 500. Malformed JSON and
// engine refusals (a prompt longer than the context) are the client's 400; a draining or full worker answers 503.
// A failure after a stream has started cannot change the status: it goes in band, as vLLM sends it
// (`data: {"error": {...}}` then `data: [DONE]`), so the client sees why its answer ended.
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Parley.Engine.Core;
using Parley.Worker.Metrics;

namespace Parley.Worker.Http;

/// <summary>Turns exceptions into error answers.</summary>
public sealed class ErrorHandling(RequestDelegate next, ILogger<ErrorHandling> logger, WorkerMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left; there is nobody to answer.
        }
        catch (Exception exception) when (!context.Response.HasStarted || Sse.IsStream(context.Response))
        {
            var error = Translate(exception);
            if (error.Status >= 500 && error.Status != 503)
            {
                logger.RequestFailed(exception, context.Request.Path.Value ?? "");
            }

            if (Sse.IsStream(context.Response))
            {
                await Sse.ErrorAsync(context.Response, Body(error), context.RequestAborted).ConfigureAwait(false);
                return;
            }

            await WriteAsync(context, error).ConfigureAwait(false);
        }
        finally
        {
            if (context.Response.StatusCode >= 400)
            {
                metrics.HttpErrors.WithLabels(context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
            }
        }
    }

    public static async Task WriteAsync(HttpContext context, ApiException error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        context.Response.StatusCode = error.Status;
        if (error.RetryAfter is { } retry)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await context.Response.WriteAsJsonAsync(Body(error)).ConfigureAwait(false);
    }

    private static ErrorBody Body(ApiException error) => new(new ErrorDetail(error.Message, error.Type, error.Param, error.Status));

    private static ApiException Translate(Exception exception) => exception switch
    {
        ApiException api => api,
        JsonException json => ApiException.BadRequest($"The request body is not valid JSON: {json.Message}"),
        BadHttpRequestException bad => new ApiException(bad.StatusCode, bad.Message),
        RequestRejectedException rejected => Rejection(rejected),
        RequestFailedException failed => new ApiException(500, $"Generation failed: {failed.Message}"),
        _ => new ApiException(500, "The server failed to process the request; see the worker log."),
    };

    /// <summary>The answer to an engine refusal, chosen by its kind alone (never by its message): the client's fault is
    /// 400 as vLLM answers it; a worker that cannot take it now is 503 with a Retry-After for the client or router.</summary>
    public static ApiException Rejection(RequestRejectedException rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        return rejected.Kind switch
        {
            RejectionKind.Invalid => ApiException.BadRequest(rejected.Message),
            RejectionKind.TooLong => ApiException.BadRequest(rejected.Message),
            RejectionKind.ShuttingDown => new ApiException(503, rejected.Message, retryAfter: TimeSpan.FromSeconds(5)),
            RejectionKind.Overloaded => new ApiException(503, rejected.Message, retryAfter: TimeSpan.FromSeconds(1)),
            _ => throw new ArgumentOutOfRangeException(nameof(rejected), rejected.Kind, "a rejection kind without an HTTP answer"),
        };
    }
}
