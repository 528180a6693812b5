// ServiceMonitors for the worker's vLLM-compatible /metrics and, with routing on, the router's, when the spec and the
// cluster allow them. Each selects its Service by component label, so Prometheus labels the series with the Service
// (`<name>-worker`, `<name>`) the dashboards filter on.
using k8s.Models;
using Parley.Api.Spec;

namespace Parley.Operator.Resources;

/// <summary>Builds the worker's and the router's ServiceMonitors.</summary>
public static class ServiceMonitors
{
    /// <summary>Built when monitoring is enabled, or auto with the ServiceMonitor CRD installed.</summary>
    public static ServiceMonitor? Worker(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Wanted(context) ? Build(context, ResourceNames.Worker(context.Chat), Labels.WorkerComponent) : null;
    }

    /// <summary>Built as the worker's is, while routing is on.</summary>
    public static ServiceMonitor? Router(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Wanted(context) && context.IsRoutingEnabled ? Build(context, ResourceNames.Router(context.Chat), Labels.RouterComponent) : null;
    }

    private static bool Wanted(BuildContext context) => context.Spec.Monitoring?.ServiceMonitor switch
    {
        ServiceMonitorMode.Enabled => true,
        ServiceMonitorMode.Disabled => false,
        _ => context.Defaults.ServiceMonitorAvailable,
    };

    private static ServiceMonitor Build(BuildContext context, string name, string component)
    {
        var chat = context.Chat;
        return Ownership.Own(new ServiceMonitor
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = context.Namespace, Labels = Labels.For(chat, component) },
            Spec = new ServiceMonitorSpec
            {
                Selector = new V1LabelSelector { MatchLabels = Labels.Selector(chat, component) },
                // 15 s matches vLLM's example Prometheus configuration.
                Endpoints = [new ServiceMonitorEndpoint { Port = "http", Path = "/metrics", Interval = "15s" }],
            },
        }, chat);
    }
}
