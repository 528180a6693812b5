// Every request the router does not answer itself: read the routing key, wait in the hold queue while no replica is
// ready, pick a replica, forward with YARP. A worker's 503 or a connection failure before any byte reached the client
// is retried once on another replica; once the response has started nothing is retried. Responses stream through
// unbuffered (YARP flushes each chunk as the worker flushes it), and a stream may stay silent as long as the worker
// likes unless --stream-idle-timeout says otherwise.
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Parley.Router.Backends;
using Parley.Router.Holding;
using Parley.Router.Load;
using Parley.Router.Metrics;
using Parley.Router.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace Parley.Router.Proxy;

/// <summary>The catch-all endpoint that proxies to the workers.</summary>
public sealed partial class ProxyEndpoint(
    IHttpForwarder forwarder, HttpMessageInvoker invoker, BackendPool pool, ReplicaChooser chooser, HoldQueue queue,
    RequestCounters counters, RouterMetrics metrics, RouterOptions options, TimeProvider time, ILogger<ProxyEndpoint> logger)
{
    private readonly ForwarderRequestConfig _config = new()
    {
        // YARP's activity timeout resets on every chunk read or written: exactly a stream's idle time.
        ActivityTimeout = options.StreamIdleTimeout > TimeSpan.Zero ? options.StreamIdleTimeout : RouterOptions.LongestTimeout, // zero: never
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        AllowResponseBuffering = false,
    };

    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        counters.Arrived();
        ulong? key;
        try
        {
            key = await RequestBodyKey.ReadAsync(context).ConfigureAwait(false); // buffers the body for a retry, whatever the policy
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            return; // the client left while sending its body
        }

        var wasHeld = false;
        ReplicaChoice? choice;
        while ((choice = chooser.Choose(pool.Snapshot, key)) is null)
        {
            wasHeld = true;
            if (!await HoldAsync(context).ConfigureAwait(false))
            {
                return;
            }
        }

        var decision = wasHeld ? RouteDecision.Held : choice.Decision;
        if (choice.IsAffinityHit)
        {
            metrics.AffinityHits.Inc();
        }

        LogRouted(logger, context.Request.Method, context.Request.Path, choice.Backend.Address, choice.Reason);
        var result = await ForwardAsync(context, key, choice).ConfigureAwait(false);
        metrics.Requests.WithLabels(decision.Label(), result).Inc();
    }

    /// <summary>Waits for a ready replica; false when the request was answered (503) or the client left.</summary>
    private async Task<bool> HoldAsync(HttpContext context)
    {
        var held = RouteDecision.Held.Label();
        if (queue.TryEnter() is not { } ticket)
        {
            metrics.Requests.WithLabels(held, RequestResult.Rejected).Inc();
            await RouterErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                $"No replica is ready and {queue.Capacity} requests are already waiting for one; retry later.", RouterErrors.RetryAfterSeconds).ConfigureAwait(false);
            return false;
        }

        metrics.Held.Inc();
        var start = time.GetTimestamp();
        if (pool.Snapshot.Ready.Count > 0)
        {
            queue.ReleaseAll(); // a replica became ready between the routing attempt and the enqueue
        }

        var outcome = await queue.WaitAsync(ticket, options.HoldTimeout, context.RequestAborted).ConfigureAwait(false);
        var waited = time.GetElapsedTime(start).TotalSeconds;
        metrics.Held.Dec();
        metrics.HoldSeconds.Observe(waited);
        switch (outcome)
        {
            case HoldOutcome.TimedOut:
                metrics.Requests.WithLabels(held, RequestResult.Timeout).Inc();
                await RouterErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                    $"No replica became ready within {options.HoldTimeout.TotalSeconds:0} seconds; the deployment may be unable to start, retry later.",
                    RouterErrors.RetryAfterSeconds).ConfigureAwait(false);
                return false;
            case HoldOutcome.Abandoned:
                metrics.Requests.WithLabels(held, RequestResult.Error).Inc();
                return false;
            default:
                LogReleased(logger, context.Request.Path, waited);
                return true;
        }
    }

    /// <summary>Forwards to <paramref name="choice"/>, and once more to another replica when that one answered 503 or
    /// could not be reached before the response started. Returns the metric result.</summary>
    private async Task<string> ForwardAsync(HttpContext context, ulong? key, ReplicaChoice choice)
    {
        for (var attempt = 0; ; attempt++)
        {
            var canRetry = attempt == 0 && pool.Snapshot.Ready.Any(b => b != choice.Backend);
            var transformer = new RetryableTransformer(holdsBackUnavailable: canRetry);
            var error = await SendAsync(context, choice.Backend, transformer).ConfigureAwait(false);
            var failedBeforeResponse = transformer.WasUnavailable || (error == ForwarderError.Request && !context.RequestAborted.IsCancellationRequested);
            if (canRetry && failedBeforeResponse && !context.Response.HasStarted
                && chooser.Choose(pool.Snapshot, key, excluded: choice.Backend) is { } next)
            {
                LogRetry(logger, context.Request.Path, choice.Backend.Address, transformer.WasUnavailable ? ForwarderError.None : error, next.Backend.Address);
                metrics.Retries.Inc();
                ResetForRetry(context);
                choice = next;
                continue;
            }

            if (transformer.WasUnavailable && !context.Response.HasStarted)
            {
                // The held-back 503 had no replica left to retry on: answer it ourselves.
                ResetForRetry(context);
                await RouterErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Every replica is busy or draining; retry later.", RouterErrors.RetryAfterSeconds).ConfigureAwait(false);
                return RequestResult.Error;
            }

            if (error != ForwarderError.None)
            {
                await AnswerFailureAsync(context, choice.Backend, error).ConfigureAwait(false);
                return RequestResult.Error;
            }

            return attempt == 0 ? RequestResult.Ok : RequestResult.Retried;
        }
    }

    private async Task<ForwarderError> SendAsync(HttpContext context, Backend backend, HttpTransformer transformer)
    {
        var series = metrics.InFlight.WithLabels(backend.Address);
        backend.Enter();
        counters.Forwarding();
        series.Inc();
        try
        {
            return await forwarder.SendAsync(context, backend.Endpoint.BaseUrl, invoker, _config, transformer).ConfigureAwait(false);
        }
        finally
        {
            series.Dec();
            counters.Finished();
            backend.Leave();
        }
    }

    /// <summary>Puts the request back as it arrived and the response as if nothing had been sent.</summary>
    private static void ResetForRetry(HttpContext context)
    {
        context.Response.Clear();
        context.Features.Set<IForwarderErrorFeature>(null);
        if (context.Request.Body.CanSeek)
        {
            context.Request.Body.Position = 0;
        }
    }

    private async Task AnswerFailureAsync(HttpContext context, Backend backend, ForwarderError error)
    {
        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        LogForwardFailed(logger, context.Request.Path, backend.Address, error, exception?.Message ?? "");
        if (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            await RouterErrors.WriteAsync(context, StatusCodes.Status502BadGateway, $"The worker {backend.Address} could not be reached ({error}).").ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Routed {Method} {Path} to {Backend}: {Reason}")]
    private static partial void LogRouted(ILogger logger, string method, PathString path, string backend, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Released held {Path} after {Seconds:0.000} s")]
    private static partial void LogReleased(ILogger logger, PathString path, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrying {Path}: {Backend} failed ({Error}; None is a 503); trying {Next}")]
    private static partial void LogRetry(ILogger logger, PathString path, string backend, ForwarderError error, string next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding {Path} to {Backend} failed: {Error} {Reason}")]
    private static partial void LogForwardFailed(ILogger logger, PathString path, string backend, ForwarderError error, string reason);
}
