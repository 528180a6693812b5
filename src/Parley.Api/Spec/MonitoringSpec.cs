namespace Parley.Api.Spec;

/// <summary>Prometheus scraping of the worker's vLLM-compatible metrics.</summary>
public sealed class MonitoringSpec
{
    /// <summary><c>auto</c> (default) creates a ServiceMonitor when the Prometheus Operator's CRD is installed.</summary>
    public ServiceMonitorMode? ServiceMonitor { get; set; }
}
