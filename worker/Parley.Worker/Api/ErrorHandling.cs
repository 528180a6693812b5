// Every failure leaves as OpenAI-shaped JSON with the right status; bad input never becomes a 500. Malformed JSON and
// engine refusals (a prompt longer than the context) are the client's 400; a draining worker answers 503.
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Parley.Engine.Serving;
using Parley.Worker.Metrics;

namespace Parley.Worker.Api;

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
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            var error = Translate(exception);
            if (error.Status >= 500 && error.Status != 503)
            {
                logger.RequestFailed(exception, context.Request.Path.Value ?? "");
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

        await context.Response.WriteAsJsonAsync(new ErrorBody(new ErrorDetail(error.Message, error.Type, error.Param, error.Status))).ConfigureAwait(false);
    }

    private static ApiException Translate(Exception exception) => exception switch
    {
        ApiException api => api,
        JsonException json => ApiException.BadRequest($"The request body is not valid JSON: {json.Message}"),
        BadHttpRequestException bad => new ApiException(bad.StatusCode, bad.Message),
        RequestRejectedException rejected when rejected.Message.Contains("shutting down", StringComparison.Ordinal) =>
            new ApiException(503, rejected.Message, retryAfter: TimeSpan.FromSeconds(5)),
        RequestRejectedException rejected => ApiException.BadRequest(rejected.Message),
        _ => new ApiException(500, "The server failed to process the request; see the worker log."),
    };
}
