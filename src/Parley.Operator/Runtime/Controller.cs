// A generic controller, as controller-runtime's: a de-duplicating work queue, a fixed number of workers, per-key
// backoff, and the reconcile metrics. It knows keys and an IReconciler, nothing about any kind; the composition root
// (Cli/OperatorHost.cs) decides which informer events add which keys.
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Parley.Operator.Metrics;
using Parley.Operator.Reconciliation;

namespace Parley.Operator.Runtime;

/// <summary>Runs an <see cref="IReconciler"/> over the keys added to its queue.</summary>
/// <param name="kind">The kind its keys name, as the logging scope's field (<c>{"ChatDeployment": "team-a/r1"}</c>).</param>
/// <param name="workerCount">Reconciles at once (different keys only).</param>
/// <param name="metrics">Where reconcile totals, errors, durations and the queue depth go.</param>
/// <param name="logger">Where failed reconciles are logged.</param>
public sealed partial class Controller(string kind, int workerCount, OperatorMetrics metrics, ILogger logger) : IDisposable
{
    private readonly WorkQueue _queue = new();
    private readonly BackoffLimiter _backoff = BackoffLimiter.Default();

    public int QueueDepth => _queue.Depth;

    /// <summary>Adds a key to reconcile; a key already waiting is not added twice.</summary>
    public void Add(string key) => _queue.Add(key);

    /// <summary>Once <paramref name="hasSynced"/> holds, adds every key of <paramref name="allKeys"/> and runs <paramref name="reconciler"/>'s workers until
    /// <paramref name="stopTaking"/> fires; a reconcile in flight then finishes unless <paramref name="abort"/> fires too.</summary>
    public async Task RunAsync(IReconciler reconciler, Func<bool> hasSynced, Func<IEnumerable<string>> allKeys, CancellationToken stopTaking, CancellationToken abort)
    {
        ArgumentNullException.ThrowIfNull(reconciler);
        ArgumentNullException.ThrowIfNull(hasSynced);
        ArgumentNullException.ThrowIfNull(allKeys);
        // No reconcile before every cache holds its first list (controller-runtime's WaitForCacheSync): planning against
        // a node cache that is still empty would mark ChatDeployments NoGpuNodes and warn about it for nothing.
        while (!hasSynced() && !stopTaking.IsCancellationRequested)
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
        foreach (var key in allKeys())
        {
            _queue.Add(key);
        }

        var workers = Enumerable.Range(0, workerCount).Select(_ => WorkerAsync(reconciler, stopTaking, abort)).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    /// <summary>Stops accepting keys.</summary>
    public void ShutDown() => _queue.ShutDown();

    private async Task WorkerAsync(IReconciler reconciler, CancellationToken stopTaking, CancellationToken abort)
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

    private async Task ProcessAsync(IReconciler reconciler, string key, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var scope = logger.BeginScope(new Dictionary<string, object> { [kind] = key, ["ReconcileId"] = Guid.NewGuid().ToString("N")[..8] });
        try
        {
            var result = await reconciler.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
            _queue.Done(key);
            if (result.IsBackoff)
            {
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

            metrics.ReconcileTotal.WithLabels(result.RequeueAfter is null && !result.IsBackoff ? "success" : "requeue").Inc();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var delay = _backoff.When(key);
            _queue.Done(key);
            _queue.AddAfter(key, delay);
            metrics.ReconcileTotal.WithLabels("error").Inc();
            metrics.ReconcileErrors.Inc();
            LogReconcileFailed(logger, key, delay, e.Message);
        }
        finally
        {
            metrics.ReconcileDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            metrics.QueueDepth.Set(_queue.Depth);
        }
    }

    public void Dispose() => _queue.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconcile of {Key} failed; retrying in {Delay}: {Reason}")]
    private static partial void LogReconcileFailed(ILogger logger, string key, TimeSpan delay, string reason);
}
