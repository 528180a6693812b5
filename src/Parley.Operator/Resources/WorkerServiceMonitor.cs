// A ServiceMonitor for the worker's vLLM-compatible /metrics, when the spec and the cluster allow one.
using k8s.Models;
using Parley.Api.Spec;

namespace Parley.Operator.Resources;

/// <summary>Builds the worker's ServiceMonitor.</summary>
public static class WorkerServiceMonitor
{
    /// <summary>Built when monitoring is enabled, or auto with the ServiceMonitor CRD installed.</summary>
    public static ServiceMonitor? Build(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var wanted = context.Spec.Monitoring?.ServiceMonitor switch
        {
            ServiceMonitorMode.Enabled => true,
            ServiceMonitorMode.Disabled => false,
            _ => context.Defaults.ServiceMonitorAvailable,
        };
        if (!wanted)
        {
            return null;
        }

        var chat = context.Chat;
        return Ownership.Own(new ServiceMonitor
        {
            Metadata = new V1ObjectMeta { Name = ResourceNames.Worker(chat), NamespaceProperty = context.Namespace, Labels = Labels.For(chat, Labels.WorkerComponent) },
            Spec = new ServiceMonitorSpec
            {
                Selector = new V1LabelSelector { MatchLabels = Labels.Selector(chat, Labels.WorkerComponent) },
                // 15 s matches vLLM's example Prometheus configuration.
                Endpoints = [new ServiceMonitorEndpoint { Port = "http", Path = "/metrics", Interval = "15s" }],
            },
        }, chat);
    }
}
