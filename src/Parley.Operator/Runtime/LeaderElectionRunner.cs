// Leader election on a Lease, around whatever work the caller hands in: the work runs while this instance leads and is
// aborted at once when it stops leading. On shutdown, work in flight finishes (up to the shutdown timeout) and the
// Lease is handed over, so a standby takes over without waiting for it to expire.
using System.Net;
using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;
using Parley.Operator.Metrics;
using Parley.Operator.Reconciliation;

namespace Parley.Operator.Runtime;

/// <summary>The work to run while leading: stop taking new work when the first token fires, abort work in flight when
/// the second does.</summary>
public delegate Task LeaderWork(CancellationToken stopTaking, CancellationToken abort);

/// <summary>Runs work only while this instance holds the Lease.</summary>
public sealed partial class LeaderElectionRunner(IKubernetes client, ControllerOptions options, OperatorMetrics metrics, ILogger logger)
{
    private static readonly TimeSpan LeaseReleaseTimeout = TimeSpan.FromSeconds(5);

    private volatile bool _isLeading;

    public bool IsLeading => _isLeading;

    /// <summary>Campaigns for the Lease until <paramref name="stopping"/> fires, running <paramref name="work"/> each time
    /// this instance becomes the leader; then drains and releases the Lease.</summary>
    public async Task RunAsync(LeaderWork work, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(work);
        var leaseLock = new LeaseLock(client, options.LeaseNamespace, options.LeaseName, options.Identity);
        using var elector = new LeaderElector(new LeaderElectionConfig(leaseLock)
        {
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.RenewDeadline,
            RetryPeriod = options.RetryPeriod,
        });
        CancellationTokenSource? leading = null;
        CancellationTokenSource? taking = null;
        Task running = Task.CompletedTask;
        elector.OnStartedLeading += () =>
        {
            LogLeading(logger, options.Identity);
            _isLeading = true;
            metrics.IsLeader.Set(1);
            leading = new CancellationTokenSource();
            taking = CancellationTokenSource.CreateLinkedTokenSource(stopping, leading.Token);
            running = work(taking.Token, leading.Token);
        };
        elector.OnStoppedLeading += () =>
        {
            LogStoppedLeading(logger, options.Identity);
            _isLeading = false;
            metrics.IsLeader.Set(0);
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

        // Stopping: work in flight finishes, or is cancelled past the shutdown timeout, then the Lease is handed over.
        // The elector has already reported the end of leadership by now, so the release checks the Lease itself.
        try
        {
            await running.WaitAsync(options.ShutdownTimeout, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogDrainTimedOut(logger, options.ShutdownTimeout);
            leading?.Cancel();
            await running.ConfigureAwait(false);
        }

        taking?.Dispose();
        leading?.Dispose();
        await ReleaseLeaseAsync().ConfigureAwait(false);
    }

    /// <summary>Hands the Lease over at once instead of letting it expire, so the next leader starts without waiting.</summary>
    private async Task ReleaseLeaseAsync()
    {
        // As client-go's ReleaseOnCancel: an empty holder and a one-second duration; bounded, since the pod is about to be
        // killed. Empty, not null: KubernetesClient's elector treats a null holder as "no Lease" and tries to create one.
        using var limit = new CancellationTokenSource(LeaseReleaseTimeout);
        try
        {
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(options.LeaseName, options.LeaseNamespace, cancellationToken: limit.Token).ConfigureAwait(false);
            if (lease.Spec?.HolderIdentity == options.Identity)
            {
                lease.Spec.HolderIdentity = "";
                lease.Spec.LeaseDurationSeconds = 1;
                await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, options.LeaseName, options.LeaseNamespace, cancellationToken: limit.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e.Is(HttpStatusCode.NotFound))
        {
            // Never created: nothing to hand over.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogReleaseFailed(logger, e.Message);
        }

        _isLeading = false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} is now the leader")]
    private static partial void LogLeading(ILogger logger, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Identity} lost the leader lease; reconciling stops")]
    private static partial void LogStoppedLeading(ILogger logger, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Work still running after {Timeout} of shutdown is cancelled")]
    private static partial void LogDrainTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the leader lease: {Reason}")]
    private static partial void LogReleaseFailed(ILogger logger, string reason);
}
