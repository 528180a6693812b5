// The part of the Prometheus Operator's ServiceMonitor (monitoring.coreos.com/v1) that Parley sets. KubernetesClient
// ships no type for it.
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Parley.Operator.Resources;

/// <summary>A Prometheus Operator ServiceMonitor.</summary>
[KubernetesEntity(Group = Group, ApiVersion = Version, Kind = "ServiceMonitor", PluralName = Plural)]
public sealed class ServiceMonitor : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "monitoring.coreos.com";
    public const string Version = "v1";
    public const string Plural = "servicemonitors";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = Group + "/" + Version;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "ServiceMonitor";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ServiceMonitorSpec Spec { get; set; } = new();
}

/// <summary>A list of ServiceMonitors, as the informer reads it.</summary>
public sealed class ServiceMonitorList : IItems<ServiceMonitor>, IMetadata<V1ListMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ServiceMonitor.Group + "/" + ServiceMonitor.Version;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "ServiceMonitorList";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<ServiceMonitor> Items { get; set; } = [];
}

/// <summary>Which Services to scrape, and how.</summary>
public sealed class ServiceMonitorSpec
{
    public V1LabelSelector Selector { get; set; } = new();
    public IList<ServiceMonitorEndpoint> Endpoints { get; set; } = [];
}

/// <summary>One scraped port.</summary>
public sealed class ServiceMonitorEndpoint
{
    public string? Port { get; set; }
    public string? Path { get; set; }
    public string? Interval { get; set; }
}
