// The composition root of `parley-operator run`: the ChatDeployment controller wired from the generic pieces.
//   informers (ChatDeployments, Nodes, one per watched row of Kinds/OwnedKinds) fill caches; their events only add keys
//   -> Runtime/Controller: queue, workers, backoff, reconcile metrics -> Reconciliation/ChatDeploymentReconciler
//   -> all of it under Runtime/LeaderElectionRunner when leader election is on.
// Per-ChatDeployment gauges follow the ChatDeployment informer's events (Metrics/ChatDeploymentGauges).
using System.Net;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Parley.Api;
using Parley.Operator.Autoscaling;
using Parley.Operator.Kinds;
using Parley.Operator.Metrics;
using Parley.Operator.Planning;
using Parley.Operator.Reconciliation;
using Parley.Operator.Resources;
using Parley.Operator.Runtime;

namespace Parley.Operator.Cli;

/// <summary>Runs the ChatDeployment controller against one cluster.</summary>
public sealed class OperatorHost : IDisposable
{
    private readonly IKubernetes _client;
    private readonly ControllerOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly OperatorMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly Controller _controller;
    private readonly LeaderElectionRunner _leaderElection;
    private readonly Informer<ChatDeployment> _chats;
    private readonly Informer<V1Node> _nodes;
    private readonly OwnedCaches _ownedCaches = new();
    private readonly NodeFacts _nodeFacts = new();
    private readonly DecodeFailures _decodeFailures = new();
    private IInformer[] _informers;
    private volatile string _stopState = "running";

    public OperatorHost(IKubernetes client, ControllerOptions options, ILoggerFactory loggers, OperatorMetrics metrics, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        (_client, _options, _loggers, _metrics, _clock) = (client, options, loggers, metrics, clock);
        _controller = new Controller(ChatDeployment.KindValue, options.Workers, metrics, loggers.CreateLogger<Controller>());
        _leaderElection = new LeaderElectionRunner(client, options, metrics, loggers.CreateLogger<LeaderElectionRunner>());
        _chats = Inform("chatdeployments", KindClients.ChatDeployments(client, new ChatDeploymentDecoder(_decodeFailures)));
        _nodes = Inform("nodes", KindClients.Nodes(client));
        // Kinds whose CRD may be missing are added in RunAsync, once it is known whether they are served.
        _informers = [_chats, _nodes, .. OwnedInformers(OwnedKinds.All.Where(kind => kind.Watching == Watching.Always))];

        var gauges = new ChatDeploymentGauges(metrics);
        _chats.Changed += (type, chat) =>
        {
            if (type == WatchEventType.Deleted)
            {
                _decodeFailures.Forget(ObjectKeys.KeyOf(chat));
            }

            gauges.Observe(type, chat);
            _controller.Add(ObjectKeys.KeyOf(chat));
            if (chat.Spec?.Worker?.Gpu?.Sharing == Parley.Api.Spec.GpuSharing.Shared)
            {
                EnqueueShared(); // its neighbours' shares follow from the joint plan; each re-plans, and only changed ones write
            }
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

    public ClusterApi Api { get; }

    public bool IsLeader => _leaderElection.IsLeading || !_options.LeaderElection;

    /// <summary>Whether every informer has listed once (what /readyz reports).</summary>
    public bool HasSynced => _informers.All(informer => informer.HasSynced);

    public int QueueDepth => _controller.QueueDepth;

    internal string DescribeStop() => _stopState;

    /// <summary>Runs until <paramref name="stopping"/> fires, then drains the queue and releases the Lease.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var crdInstalled = await ServiceMonitorsInstalledAsync(stopping).ConfigureAwait(false);
        _informers = [.. _informers, .. OwnedInformers(OwnedKinds.All.Where(kind => kind.Watching == Watching.WhenInstalled && kind.IsWatched(crdInstalled)))];
        using var http = new HttpClient { Timeout = _options.WorkerInfoTimeout, MaxResponseContentBufferSize = WorkerInfoClient.MaxReportBytes };
        using var routerHttp = new HttpClient { Timeout = _options.RouterLoadTimeout, MaxResponseContentBufferSize = RouterLoadClient.MaxReportBytes };
        var scaleDecisions = new PendingScaleDecisions();
        var reader = new OwnedReader(Api, _ownedCaches);
        var reconciler = new ChatDeploymentReconciler(_chats.Cache, _decodeFailures, _nodes.Cache, reader,
            new WorkerInfoClient(http, _options.PodAddress ?? WorkerInfoClient.PodIpAddress(_options.WorkerInfoPort), _options.WorkerInfoTimeout), _options.Defaults with { ServiceMonitorAvailable = crdInstalled },
            _clock, new ApplyLog(_loggers.CreateLogger<Applier>(), _metrics), scaleDecisions);
        var autoscaler = new Autoscaler(_chats.Cache, reader, new RouterLoadClient(routerHttp, _options.ServiceAddress, _options.RouterLoadTimeout),
            scaleDecisions, _controller.Add, _clock, _loggers.CreateLogger<Autoscaler>());
        // The autoscaler runs where the controller runs: on the leader only, stopping when it stops taking keys.
        Task WorkAsync(CancellationToken stopTaking, CancellationToken abort) => Task.WhenAll(
            _controller.RunAsync(reconciler, () => HasSynced, () => _chats.Cache.List().Select(ObjectKeys.KeyOf), stopTaking, abort),
            autoscaler.RunAsync(_options.AutoscaleInterval, stopTaking));

        using var informersStop = new CancellationTokenSource();
        var informers = _informers.Select(i => i.RunAsync(informersStop.Token)).ToList();
        try
        {
            if (_options.LeaderElection)
            {
                await _leaderElection.RunAsync(WorkAsync, stopping).ConfigureAwait(false);
            }
            else
            {
                // Stopping lets reconciles in flight finish, up to the shutdown timeout.
                using var abort = new CancellationTokenSource();
                using var drainLimit = stopping.Register(() => abort.CancelAfter(_options.ShutdownTimeout));
                await WorkAsync(stopping, abort.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            _stopState = "workers stopped";
            _controller.ShutDown();
            await informersStop.CancelAsync().ConfigureAwait(false);
            _stopState = "waiting for informers: " + string.Join(",", informers.Select((t, i) => $"{i}:{t.Status}"));
            await Task.WhenAll(informers).ConfigureAwait(false);
            _stopState = "stopped";
        }
    }

    public void Dispose() => _controller.Dispose();

    private Informer<T> Inform<T>(string name, (ListFunc<T> List, WatchFunc<T> Watch) kind)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => new(name, kind.List, kind.Watch, _options.ResyncPeriod, _loggers.CreateLogger($"Parley.Operator.Informer.{name}"));

    /// <summary>Informers on owned kinds: a changed or deleted child brings its ChatDeployment back to the level it should be at.</summary>
    private List<IInformer> OwnedInformers(IEnumerable<OwnedKind> kinds) =>
        kinds.Select(kind => kind.CreateInformer(_client, _options.ResyncPeriod, _loggers, _ownedCaches, EnqueueOwner)).ToList();

    private void EnqueueOwner(IKubernetesObject<V1ObjectMeta> owned)
    {
        if (owned.Metadata.Labels?.TryGetValue(Labels.Chat, out var chat) == true)
        {
            var key = ObjectKeys.Key(owned.Metadata.NamespaceProperty, chat);
            _controller.Add(key);
            if (owned is V1Pod && IsExclusiveWorker(owned.Metadata, chat))
            {
                EnqueueShared(); // an Exclusive worker taking or leaving a device changes what Shared workers may use
            }
        }
    }

    private bool IsExclusiveWorker(V1ObjectMeta metadata, string chat) =>
        metadata.Labels.TryGetValue(Labels.Component, out var component) && component == Labels.WorkerComponent
        && _chats.Cache.Get(metadata.NamespaceProperty, chat) is { } owner && !SharedPlanning.IsSharedBySpec(owner);

    private void EnqueueShared()
    {
        foreach (var chat in _chats.Cache.List().Where(chat => chat.Spec?.Worker?.Gpu?.Sharing == Parley.Api.Spec.GpuSharing.Shared))
        {
            _controller.Add(ObjectKeys.KeyOf(chat));
        }
    }

    private void EnqueueAll()
    {
        foreach (var chat in _chats.Cache.List())
        {
            _controller.Add(ObjectKeys.KeyOf(chat));
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
}
