// Backends from the worker Service's EndpointSlices: list, then watch from the list's resourceVersion. Whenever the
// watch ends (server timeout, 410 Gone reported as an ERROR event, a broken connection) the router lists again: a
// Service has a handful of slices, so a relist costs less than keeping a resumable resourceVersion right.
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Parley.Router.Backends;

/// <summary>Watches EndpointSlices labelled <c>kubernetes.io/service-name=&lt;service&gt;</c> in one namespace.</summary>
public sealed partial class EndpointSliceSource(IKubernetes client, string ns, string service, ILogger<EndpointSliceSource> logger) : IBackendSource
{
    /// <summary>Seconds the API server keeps one watch open: client-go's 5–10 minutes.</summary>
    private const int WatchTimeoutSeconds = 300;

    /// <summary>The pause before relisting after a failure, so an unreachable API server is not hammered.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private string Selector => $"kubernetes.io/service-name={service}";

    public async Task RunAsync(Action<IReadOnlyList<BackendEndpoint>> publish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publish);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ListAndWatchAsync(publish, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is HttpOperationException or HttpRequestException or IOException or KubernetesException or WatchFailedException)
            {
                LogRelist(logger, exception.Message);
                await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ListAndWatchAsync(Action<IReadOnlyList<BackendEndpoint>> publish, CancellationToken cancellationToken)
    {
        var list = await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(ns, labelSelector: Selector, cancellationToken: cancellationToken).ConfigureAwait(false);
        var slices = (list.Items ?? []).ToDictionary(s => s.Metadata.Name, StringComparer.Ordinal);
        publish(EndpointSliceBackends.From(slices.Values));
        Exception? watchError = null;
        var events = client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(
            ns, labelSelector: Selector, resourceVersion: list.Metadata?.ResourceVersion, timeoutSeconds: WatchTimeoutSeconds,
            onError: e => watchError ??= e, cancellationToken: cancellationToken);
        await foreach (var (type, slice) in events.ConfigureAwait(false))
        {
            if (watchError is not null)
            {
                break;
            }

            switch (type)
            {
                case WatchEventType.Added or WatchEventType.Modified:
                    slices[slice.Metadata.Name] = slice;
                    break;
                case WatchEventType.Deleted:
                    slices.Remove(slice.Metadata.Name);
                    break;
                default:
                    continue;
            }

            publish(EndpointSliceBackends.From(slices.Values));
        }

        if (watchError is not null)
        {
            throw new WatchFailedException(watchError.Message, watchError);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listing EndpointSlices again: {Reason}")]
    private static partial void LogRelist(ILogger logger, string reason);

    /// <summary>The watch reported an error event (410 Gone after compaction, a decode failure).</summary>
    private sealed class WatchFailedException(string message, Exception inner) : Exception(message, inner);
}
