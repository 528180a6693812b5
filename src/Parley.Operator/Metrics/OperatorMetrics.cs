// The operator's Prometheus metrics, shaped like controller-runtime's (reconcile totals by result, duration histogram,
// work-queue depth) plus Parley's own: ChatDeployments by phase and the tuned values per ChatDeployment.
using Prometheus;

namespace Parley.Operator.Metrics;

/// <summary>Metrics of one operator process, in their own registry so that tests can run several.</summary>
public sealed class OperatorMetrics
{
    public OperatorMetrics()
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        ReconcileTotal = factory.CreateCounter("parley_reconcile_total", "Reconciles by result: success, requeue or error.", "result");
        ReconcileErrors = factory.CreateCounter("parley_reconcile_errors_total", "Reconciles that failed and will be retried with backoff.");
        ReconcileDuration = factory.CreateHistogram("parley_reconcile_duration_seconds", "Time spent in one reconcile.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });
        QueueDepth = factory.CreateGauge("parley_workqueue_depth", "Keys waiting for a reconcile.");
        ChatDeployments = factory.CreateGauge("parley_chatdeployments", "ChatDeployments by phase.", "phase");
        MaxModelLen = factory.CreateGauge("parley_tuned_max_model_len", "The maxModelLen each ChatDeployment runs with.", "namespace", "name");
        GpuMemoryUtilization = factory.CreateGauge("parley_tuned_gpu_memory_utilization", "The gpuMemoryUtilization each ChatDeployment runs with.", "namespace", "name");
        StepDowns = factory.CreateGauge("parley_tuning_step_downs", "Plan step-downs after GPU out-of-memory, per ChatDeployment.", "namespace", "name");
        IsLeader = factory.CreateGauge("parley_leader", "1 while this instance holds the leader lease.");
        ApplyTotal = factory.CreateCounter("parley_apply_total", "Owned objects applied, by kind and outcome: created, updated, unchanged or deleted.", "kind", "outcome");

        // Every result series exists at zero from the start, so rate() and the dashboards see a first reconcile as a rise
        // and not as a series that appears from nowhere.
        foreach (var result in ReconcileResults)
        {
            ReconcileTotal.WithLabels(result);
        }
    }

    /// <summary>The values of parley_reconcile_total's result label.</summary>
    public static IReadOnlyList<string> ReconcileResults { get; } = ["success", "requeue", "error"];

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();
    public Counter ReconcileTotal { get; }
    public Counter ReconcileErrors { get; }
    public Histogram ReconcileDuration { get; }
    public Gauge QueueDepth { get; }
    public Gauge ChatDeployments { get; }
    public Gauge MaxModelLen { get; }
    public Gauge GpuMemoryUtilization { get; }
    public Gauge StepDowns { get; }
    public Gauge IsLeader { get; }
    public Counter ApplyTotal { get; }
}
