// Asks the operator for a replica while requests are held: a JSON merge patch of the wake annotation on this router's
// ChatDeployment (the operator's informer sees it at once and scales from zero; it stays the only writer of replicas).
// A request held in an empty queue patches immediately, even within 5 s of the last patch (the replica it woke may have
// been scaled back to zero since); while any stays held the annotation is refreshed every 5 s, so an operator that
// restarted or missed the event sees a fresh request, yet a burst of arrivals costs one write. The time carries
// fractions of a second: the operator compares it with the time it last scaled, and a wake in the same second as a
// scale to zero must not read as older than it.
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Api;
using Parley.Api.Contracts;

namespace Parley.Router.Holding;

/// <summary>Sets <see cref="ScaleFromZero.WakeAnnotation"/> while requests wait in the hold queue.</summary>
public sealed partial class ChatDeploymentWaker : BackgroundService
{
    /// <summary>The least time between two patches while requests stay held.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private readonly IKubernetes _client;
    private readonly string _namespace;
    private readonly string _name;
    private readonly HoldQueue _queue;
    private readonly TimeProvider _time;
    private readonly ILogger<ChatDeploymentWaker> _logger;
    private readonly Channel<bool> _holdingStarted = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public ChatDeploymentWaker(IKubernetes client, string ns, string name, HoldQueue queue, TimeProvider time, ILogger<ChatDeploymentWaker> logger)
    {
        ArgumentNullException.ThrowIfNull(queue);
        (_client, _namespace, _name, _queue, _time, _logger) = (client, ns, name, queue, time, logger);
        queue.HoldingStarted += () => _holdingStarted.Writer.TryWrite(true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _holdingStarted.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                _holdingStarted.Reader.TryRead(out _);
                while (_queue.Count > 0)
                {
                    await PatchAsync(stoppingToken).ConfigureAwait(false);
                    await RefreshDueAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Waits out the refresh interval, or less when the queue emptied and a new request started waiting.</summary>
    private async Task RefreshDueAsync(CancellationToken stoppingToken)
    {
        using var interval = new CancellationTokenSource(RefreshInterval, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, interval.Token);
        try
        {
            await _holdingStarted.Reader.WaitToReadAsync(either.Token).ConfigureAwait(false);
            _holdingStarted.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The interval passed: refresh while requests are still held.
        }
    }

    private async Task PatchAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [ScaleFromZero.WakeAnnotation] = now } } };
        try
        {
            await _client.CustomObjects.PatchNamespacedCustomObjectAsync(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), ChatDeployment.Group, ChatDeployment.Version, _namespace,
                ChatDeployment.Plural, _name, cancellationToken: cancellationToken).ConfigureAwait(false);
            LogWake(_logger, _namespace, _name, _queue.Count);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The next refresh tries again; the held requests keep waiting either way.
            LogWakeFailed(_logger, _namespace, _name, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Asked {Namespace}/{Name} for a replica: {Held} requests held")]
    private static partial void LogWake(ILogger logger, string @namespace, string name, int held);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not set the wake annotation on {Namespace}/{Name}: {Reason}")]
    private static partial void LogWakeFailed(ILogger logger, string @namespace, string name, string reason);
}
