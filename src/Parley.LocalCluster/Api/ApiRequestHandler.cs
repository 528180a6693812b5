// The one request delegate of the fake API server: faults first, then path resolution, then a watch stream or a
// verb. Each request is logged before its response is written, so a client that has its answer also sees it logged.
using Microsoft.AspNetCore.Http;

namespace Parley.LocalCluster.Api;

internal sealed class ApiRequestHandler(ObjectStore store, RequestLog log, FaultInjector faults, TimeSpan hangLimit, CancellationToken stopping)
{
    private readonly ResourceEndpoints _endpoints = new(store);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var method = request.Method.ToUpperInvariant();
        var path = request.Path.Value ?? "/";
        var query = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        var isWatch = method == "GET" && WatchStream.IsWatch(request.Query);
        ApiResponse answer;
        try
        {
            var fault = faults.Decide(method, path, isWatch);
            if (fault?.Action == FaultAction.Hang)
            {
                await HangAsync(context, new RequestRecord(method, path, query, 0)).ConfigureAwait(false);
                return;
            }

            if (fault is not null)
            {
                throw InjectedError(fault.StatusCode);
            }

            var target = ResourcePath.Parse(path, store.Resources);
            if (isWatch && target.Name is null)
            {
                using var watch = WatchStream.Open(store, target, request.Query);
                log.Add(new RequestRecord(method, path, query, 200));
                await watch.RunAsync(context, faults, stopping).ConfigureAwait(false);
                return;
            }

            answer = await _endpoints.HandleAsync(request, target, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ApiStatusException error)
        {
            answer = new ApiResponse(error.Code, error.ToStatus());
        }

        log.Add(new RequestRecord(method, path, query, answer.StatusCode));
        context.Response.StatusCode = answer.StatusCode;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.Body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Waits for the client to give up; past the hang limit answers 504, on server stop drops the connection.</summary>
    private async Task HangAsync(HttpContext context, RequestRecord record)
    {
        using var limit = new CancellationTokenSource(hangLimit);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping, limit.Token);
        try
        {
            await Task.Delay(Timeout.Infinite, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Expected: one of the three ends the hang.
        }

        if (context.RequestAborted.IsCancellationRequested || stopping.IsCancellationRequested)
        {
            log.Add(record);
            context.Abort();
            return;
        }

        var timeout = new ApiStatusException(504, "Timeout", "the server was unable to return a response in the time allotted (injected hang)");
        log.Add(record with { StatusCode = 504 });
        context.Response.StatusCode = 504;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(timeout.ToStatus().ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    private static ApiStatusException InjectedError(int statusCode) => statusCode switch
    {
        409 => new ApiStatusException(409, "Conflict", "Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again (injected)"),
        410 => new ApiStatusException(410, "Expired", "too old resource version (injected)"),
        429 => new ApiStatusException(429, "TooManyRequests", "the server has received too many requests and has asked us to try again later (injected)"),
        503 => new ApiStatusException(503, "ServiceUnavailable", "the server is currently unable to handle the request (injected)"),
        504 => new ApiStatusException(504, "Timeout", "the server was unable to return a response in the time allotted (injected)"),
        _ => new ApiStatusException(statusCode, "InternalError", $"Internal error occurred: injected fault {statusCode}"),
    };
}
