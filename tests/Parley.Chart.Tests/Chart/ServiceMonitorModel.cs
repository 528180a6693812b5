// The Prometheus Operator's ServiceMonitor (monitoring.coreos.com/v1), as far as the chart uses it: KubernetesClient has
// no type for it and the operator's own type (Resources/ServiceMonitorTypes.cs) covers only what workers need. Field
// names are the CRD's (prometheus-operator pkg/apis/monitoring/v1/servicemonitor_types.go).
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Parley.Chart.Tests.Chart;

internal sealed class ServiceMonitorModel : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "monitoring.coreos.com/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "ServiceMonitor";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ServiceMonitorModelSpec Spec { get; set; } = new();
}

internal sealed class ServiceMonitorModelSpec
{
    [JsonPropertyName("jobLabel")]
    public string? JobLabel { get; set; }

    [JsonPropertyName("selector")]
    public V1LabelSelector Selector { get; set; } = new();

    [JsonPropertyName("namespaceSelector")]
    public ServiceMonitorNamespaceSelector? NamespaceSelector { get; set; }

    [JsonPropertyName("endpoints")]
    public IList<ServiceMonitorModelEndpoint> Endpoints { get; set; } = [];
}

internal sealed class ServiceMonitorNamespaceSelector
{
    [JsonPropertyName("any")]
    public bool? Any { get; set; }

    [JsonPropertyName("matchNames")]
    public IList<string>? MatchNames { get; set; }
}

internal sealed class ServiceMonitorModelEndpoint
{
    [JsonPropertyName("port")]
    public string? Port { get; set; }

    [JsonPropertyName("path")]
    public string? Path { get; set; }

    [JsonPropertyName("scheme")]
    public string? Scheme { get; set; }

    [JsonPropertyName("interval")]
    public string? Interval { get; set; }

    [JsonPropertyName("scrapeTimeout")]
    public string? ScrapeTimeout { get; set; }

    [JsonPropertyName("honorLabels")]
    public bool? HonorLabels { get; set; }
}
