// The controller runtime: informers fill caches, event handlers only enqueue keys, workers reconcile keys while this
// instance holds the leader Lease. Losing the Lease stops reconciling at once; stopping drains the queue and releases it.
using System.Diagnostics;
using System.Net;
using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Parley.Api;
using Parley.Operator.Kinds;
using Parley.Operator.Metrics;
using Parley.Operator.Reconciliation;
using Parley.Operator.Resources;

namespace Parley.Operator.Runtime;

/// <summary>Runs the ChatDeployment controller against one cluster.</summary>
public sealed partial class ControllerHost : IDisposable
{
    private readonly IKubernetes _client;
    private readonly ControllerOptions _options;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggers;
    private readonly OperatorMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly WorkQueue _queue = new();
    private readonly BackoffLimiter _backoff = BackoffLimiter.Default();
    private readonly Informer<ChatDeployment> _chats;
    private readonly Informer<V1Node> _nodes;
    private readonly OwnedCaches _ownedCaches = new();
    private IInformer[] _informers;
    private readonly NodeFacts _nodeFacts = new();
    private readonly DecodeFailures _decodeFailures = new();
    private readonly HashSet<(string Namespace, string Name)> _tunedSeries = [];
    private volatile bool _isLeading;

    private static readonly TimeSpan LeaseReleaseTimeout = TimeSpan.FromSeconds(5);

    public ControllerHost(IKubernetes client, ControllerOptions options, ILoggerFactory loggers, OperatorMetrics metrics, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        (_client, _options, _metrics, _clock) = (client, options, metrics, clock);
        _logger = loggers.CreateLogger<ControllerHost>();
        _loggers = loggers;
        _chats = Create("chatdeployments", KindClients.ChatDeployments(client, new ChatDeploymentDecoder(_decodeFailures)), loggers);
        _nodes = Create("nodes", KindClients.Nodes(client), loggers);
        // Kinds whose CRD may be missing are added in RunAsync, once it is known whether they are served.
        _informers = [_chats, _nodes, .. OwnedInformers(OwnedKinds.All.Where(kind => kind.Watching == Watching.Always))];
        _chats.Changed += (type, chat) =>
        {
            if (type == WatchEventType.Deleted)
            {
                _decodeFailures.Forget(ObjectKeys.KeyOf(chat));
            }

            _queue.Add(ObjectKeys.KeyOf(chat));
        };

        _nodes.Changed += (type, node) =>
        {
            if (_nodeFacts.HasChanged(type, node))
            {
                EnqueueAll();
            }
        };
        Api = new ClusterApi(client, KubernetesRetry.Create(options.ApiAttemptTimeout));
    }

    /// <summary>Informers on owned kinds: a changed or deleted child brings its ChatDeployment back to the level it should be at.</summary>
    private List<IInformer> OwnedInformers(IEnumerable<OwnedKind> kinds) =>
        kinds.Select(kind => kind.CreateInformer(_client, _options.ResyncPeriod, _loggers, _ownedCaches, EnqueueOwner)).ToList();

    public ClusterApi Api { get; }

    public bool IsLeader => _isLeading || !_options.LeaderElection;

    /// <summary>Whether every informer has listed once (what /readyz reports).</summary>
    public bool HasSynced => _informers.All(informer => informer.HasSynced);

    public int QueueDepth => _queue.Depth;

    internal string DescribeStop() => _stopState;

    private volatile string _stopState = "running";

    /// <summary>Runs until <paramref name="stopping"/> fires, then drains the queue and releases the Lease.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var crdInstalled = await ServiceMonitorsInstalledAsync(stopping).ConfigureAwait(false);
        var defaults = _options.Defaults with { ServiceMonitorAvailable = crdInstalled };
        _informers = [.. _informers, .. OwnedInformers(OwnedKinds.All.Where(kind => kind.Watching == Watching.WhenInstalled && kind.IsWatched(crdInstalled)))];
        using var http = new HttpClient { Timeout = _options.WorkerInfoTimeout, MaxResponseContentBufferSize = WorkerInfoClient.MaxReportBytes };
        var workerInfo = new WorkerInfoClient(http, _options.WorkerInfoPort, _options.WorkerInfoTimeout);
        var reconciler = new ChatDeploymentReconciler(_chats.Cache, _decodeFailures, _nodes.Cache, new OwnedReader(Api, _ownedCaches), workerInfo, defaults, _clock,
            new ApplyLog(_loggers.CreateLogger<Applier>(), _metrics));
        using var informersStop = new CancellationTokenSource();
        var informers = _informers.Select(i => i.RunAsync(informersStop.Token)).ToList();
        try
        {
            if (_options.LeaderElection)
            {
                await LeadAsync(reconciler, stopping).ConfigureAwait(false);
            }
            else
            {
                // Stopping lets reconciles in flight finish, up to the shutdown timeout.
                using var abort = new CancellationTokenSource();
                using var drainLimit = stopping.Register(() => abort.CancelAfter(_options.ShutdownTimeout));
                await WorkAsync(reconciler, stopping, abort.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            _stopState = "workers stopped";
            _queue.ShutDown();
            await informersStop.CancelAsync().ConfigureAwait(false);
            _stopState = "waiting for informers: " + string.Join(",", informers.Select((t, i) => $"{i}:{t.Status}"));
            await Task.WhenAll(informers).ConfigureAwait(false);
            _stopState = "stopped";
        }
    }

    private async Task LeadAsync(ChatDeploymentReconciler reconciler, CancellationToken stopping)
    {
        var leaseLock = new LeaseLock(_client, _options.LeaseNamespace, _options.LeaseName, _options.Identity);
        using var elector = new LeaderElector(new LeaderElectionConfig(leaseLock)
        {
            LeaseDuration = _options.LeaseDuration,
            RenewDeadline = _options.RenewDeadline,
            RetryPeriod = _options.RetryPeriod,
        });
        CancellationTokenSource? leading = null;
        CancellationTokenSource? taking = null;
        Task work = Task.CompletedTask;
        elector.OnStartedLeading += () =>
        {
            LogLeading(_logger, _options.Identity);
            _isLeading = true;
            _metrics.IsLeader.Set(1);
            leading = new CancellationTokenSource();
            taking = CancellationTokenSource.CreateLinkedTokenSource(stopping, leading.Token);
            work = WorkAsync(reconciler, taking.Token, leading.Token);
        };
        elector.OnStoppedLeading += () =>
        {
            LogStoppedLeading(_logger, _options.Identity);
            _isLeading = false;
            _metrics.IsLeader.Set(0);
            leading?.Cancel();
        };
        try
        {
            await elector.RunAndTryToHoldLeadershipForeverAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down.
        }

        // Stopping: reconciles in flight finish, or are cancelled past the shutdown timeout, then the Lease is handed over.
        // The elector has already reported the end of leadership by now, so the release checks the Lease itself.
        try
        {
            await work.WaitAsync(_options.ShutdownTimeout, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogDrainTimedOut(_logger, _options.ShutdownTimeout);
            leading?.Cancel();
            await work.ConfigureAwait(false);
        }

        taking?.Dispose();
        leading?.Dispose();
        await ReleaseLeaseAsync().ConfigureAwait(false);
    }

    /// <summary>Runs the workers until <paramref name="stopTaking"/> fires; a reconcile in flight then finishes unless
    /// <paramref name="abort"/> fires too (leadership lost).</summary>
    private async Task WorkAsync(ChatDeploymentReconciler reconciler, CancellationToken stopTaking, CancellationToken abort)
    {
        // No reconcile before every cache holds its first list (controller-runtime's WaitForCacheSync): planning against
        // a node cache that is still empty would mark ChatDeployments NoGpuNodes and warn about it for nothing.
        while (!HasSynced && !stopTaking.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), stopTaking).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        // Keys that arrived while another instance led are reconciled now that this one leads.
        EnqueueAll();
        var workers = Enumerable.Range(0, _options.Workers).Select(_ => WorkerAsync(reconciler, stopTaking, abort)).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private async Task WorkerAsync(ChatDeploymentReconciler reconciler, CancellationToken stopTaking, CancellationToken abort)
    {
        while (!stopTaking.IsCancellationRequested)
        {
            string? key;
            try
            {
                key = await _queue.TakeAsync(stopTaking).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (key is null)
            {
                return;
            }

            await ProcessAsync(reconciler, key, abort).ConfigureAwait(false);
        }
    }

    private async Task ProcessAsync(ChatDeploymentReconciler reconciler, string key, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var scope = _logger.BeginScope(new Dictionary<string, object> { ["ChatDeployment"] = key, ["ReconcileId"] = Guid.NewGuid().ToString("N")[..8] });
        try
        {
            var result = await reconciler.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
            _queue.Done(key);
            if (result.IsBackoff)
            {
                // Rejected by the API server for what the spec says: reported on the status, retried ever more slowly.
                _queue.AddAfter(key, _backoff.When(key));
            }
            else
            {
                _backoff.Forget(key);
                if (result.RequeueAfter is { } delay)
                {
                    _queue.AddAfter(key, delay);
                }
            }

            _metrics.ReconcileTotal.WithLabels(result.RequeueAfter is null && !result.IsBackoff ? "success" : "requeue").Inc();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var delay = _backoff.When(key);
            _queue.Done(key);
            _queue.AddAfter(key, delay);
            _metrics.ReconcileTotal.WithLabels("error").Inc();
            _metrics.ReconcileErrors.Inc();
            LogReconcileFailed(_logger, key, delay, e.Message);
        }
        finally
        {
            _metrics.ReconcileDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            _metrics.QueueDepth.Set(_queue.Depth);
            RecordGauges();
        }
    }

    private void RecordGauges()
    {
        var chats = _chats.Cache.List();
        foreach (var phase in new[] { "Pending", "Progressing", "Ready", "Degraded", "Failed" })
        {
            _metrics.ChatDeployments.WithLabels(phase).Set(chats.Count(chat => (chat.Status?.Phase ?? "Pending") == phase));
        }

        // One series per ChatDeployment with a plan; a ChatDeployment deleted or without a plan loses its series.
        var tuned = chats.Where(chat => chat.Status?.Tuning is not null).ToList();
        lock (_tunedSeries)
        {
            var current = tuned.Select(chat => (chat.Metadata.NamespaceProperty, chat.Metadata.Name)).ToHashSet();
            foreach (var (ns, name) in _tunedSeries.Except(current).ToList())
            {
                _metrics.MaxModelLen.RemoveLabelled(ns, name);
                _metrics.GpuMemoryUtilization.RemoveLabelled(ns, name);
                _metrics.StepDowns.RemoveLabelled(ns, name);
                _tunedSeries.Remove((ns, name));
            }

            foreach (var chat in tuned)
            {
                var (ns, name) = (chat.Metadata.NamespaceProperty, chat.Metadata.Name);
                _metrics.MaxModelLen.WithLabels(ns, name).Set(chat.Status!.Tuning!.MaxModelLen ?? 0);
                _metrics.GpuMemoryUtilization.WithLabels(ns, name).Set(chat.Status.Tuning.GpuMemoryUtilization ?? 0);
                _metrics.StepDowns.WithLabels(ns, name).Set(chat.Status.Tuning.StepDowns ?? 0);
                _tunedSeries.Add((ns, name));
            }
        }
    }

    private void EnqueueOwner(IKubernetesObject<V1ObjectMeta> owned)
    {
        if (owned.Metadata.Labels?.TryGetValue(Labels.Chat, out var chat) == true)
        {
            _queue.Add(ObjectKeys.Key(owned.Metadata.NamespaceProperty, chat));
        }
    }

    private void EnqueueAll()
    {
        foreach (var chat in _chats.Cache.List())
        {
            _queue.Add(ObjectKeys.KeyOf(chat));
        }
    }

    private async Task<bool> ServiceMonitorsInstalledAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.ApiextensionsV1.ReadCustomResourceDefinitionAsync($"{ServiceMonitor.Plural}.{ServiceMonitor.Group}", cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e.Is(HttpStatusCode.NotFound) || e.Is(HttpStatusCode.Forbidden))
        {
            return false;
        }
    }

    /// <summary>Hands the Lease over at once instead of letting it expire, so the next leader starts without waiting.</summary>
    private async Task ReleaseLeaseAsync()
    {
        // As client-go's ReleaseOnCancel: an empty holder and a one-second duration; bounded, since the pod is about to be
        // killed. Empty, not null: KubernetesClient's elector treats a null holder as "no Lease" and tries to create one.
        using var limit = new CancellationTokenSource(LeaseReleaseTimeout);
        try
        {
            var lease = await _client.CoordinationV1.ReadNamespacedLeaseAsync(_options.LeaseName, _options.LeaseNamespace, cancellationToken: limit.Token).ConfigureAwait(false);
            if (lease.Spec?.HolderIdentity == _options.Identity)
            {
                lease.Spec.HolderIdentity = "";
                lease.Spec.LeaseDurationSeconds = 1;
                await _client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, _options.LeaseName, _options.LeaseNamespace, cancellationToken: limit.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e.Is(HttpStatusCode.NotFound))
        {
            // Never created: nothing to hand over.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogReleaseFailed(_logger, e.Message);
        }

        _isLeading = false;
    }

    private Informer<T> Create<T>(string name, (ListFunc<T> List, WatchFunc<T> Watch) kind, ILoggerFactory loggers)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => new(name, kind.List, kind.Watch, _options.ResyncPeriod, loggers.CreateLogger($"Parley.Operator.Informer.{name}"));

    public void Dispose() => _queue.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} is now the leader")]
    private static partial void LogLeading(ILogger logger, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Identity} lost the leader lease; reconciling stops")]
    private static partial void LogStoppedLeading(ILogger logger, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconcile of {Key} failed; retrying in {Delay}: {Reason}")]
    private static partial void LogReconcileFailed(ILogger logger, string key, TimeSpan delay, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciles still running after {Timeout} of shutdown are cancelled")]
    private static partial void LogDrainTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the leader lease: {Reason}")]
    private static partial void LogReleaseFailed(ILogger logger, string reason);
}
