// A watch response: newline-delimited {"type","object"} events, flushed one by one, on a chunked 200 response that
// stays open until timeoutSeconds, the client leaves, the server stops, or a fault drops it. A resourceVersion
// older than the history is answered the way real servers do: 200, one ERROR event carrying a 410 Expired Status, end.
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Parley.LocalCluster.Api;

internal sealed class WatchStream : IDisposable
{
    private readonly WatchSubscription? _subscription;
    private readonly IReadOnlyList<StoreEvent> _initial;
    private readonly ApiStatusException? _expired;
    private readonly LabelSelector _labels;
    private readonly FieldSelector _fields;
    private readonly int? _timeoutSeconds;

    private WatchStream(WatchSubscription? subscription, IReadOnlyList<StoreEvent> initial, ApiStatusException? expired,
        LabelSelector labels, FieldSelector fields, int? timeoutSeconds)
    {
        _subscription = subscription;
        _initial = initial;
        _expired = expired;
        _labels = labels;
        _fields = fields;
        _timeoutSeconds = timeoutSeconds;
    }

    public static bool IsWatch(IQueryCollection query) =>
        query["watch"].ToString().ToLowerInvariant() is "true" or "1";

    /// <summary>Subscribes before anything is written, so a bad query still gets a plain 400.</summary>
    public static WatchStream Open(ObjectStore store, ResourcePath target, IQueryCollection query)
    {
        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fields = FieldSelector.Parse(query["fieldSelector"]);
        var timeout = int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : (int?)null;
        var version = query["resourceVersion"].ToString();
        long? after = version is "" or "0" ? null
            : long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed
            : throw ApiStatusException.BadRequest($"invalid resource version: \"{version}\"");
        try
        {
            var subscription = store.Subscribe(target.Type, target.Namespace, after, out var initial);
            return new WatchStream(subscription, initial, null, labels, fields, timeout);
        }
        catch (ApiStatusException expired) when (expired.Code == 410)
        {
            return new WatchStream(null, [], expired, labels, fields, timeout);
        }
    }

    public async Task RunAsync(HttpContext context, FaultInjector faults, CancellationToken stopping)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        await response.StartAsync(stopping).ConfigureAwait(false);
        if (_expired is not null || _subscription is null)
        {
            await WriteEventAsync(response, "ERROR", _expired?.ToStatus() ?? [], stopping).ConfigureAwait(false);
            return;
        }

        using var timeout = _timeoutSeconds is { } seconds ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds)) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, context.RequestAborted, _subscription.Dropped, timeout.Token);
        try
        {
            await response.Body.FlushAsync(linked.Token).ConfigureAwait(false);
            await StreamAsync(response, faults, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Timeout, client gone, server stopping or dropped: the stream just ends.
        }

        if (_subscription.IsAbortRequested)
        {
            context.Abort();
        }
    }

    public void Dispose() => _subscription?.Dispose();

    private async Task StreamAsync(HttpResponse response, FaultInjector faults, CancellationToken cancellationToken)
    {
        var sentCount = 0;
        foreach (var storeEvent in _initial)
        {
            if (await TrySendAsync(response, storeEvent, cancellationToken).ConfigureAwait(false) && ++sentCount >= faults.DropWatchesAfterEventCount)
            {
                return;
            }
        }

        var reader = _subscription!.Events.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var storeEvent))
            {
                if (await TrySendAsync(response, storeEvent, cancellationToken).ConfigureAwait(false) && ++sentCount >= faults.DropWatchesAfterEventCount)
                {
                    return;
                }
            }
        }
    }

    private async Task<bool> TrySendAsync(HttpResponse response, StoreEvent storeEvent, CancellationToken cancellationToken)
    {
        if (!_labels.Matches(storeEvent.Object) || !_fields.Matches(storeEvent.Object))
        {
            return false;
        }

        await WriteEventAsync(response, storeEvent.Type, storeEvent.Object.DeepClone(), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static async Task WriteEventAsync(HttpResponse response, string type, JsonNode obj, CancellationToken cancellationToken)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = obj }.ToJsonString() + "\n";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
