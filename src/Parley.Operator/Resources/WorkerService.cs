// The worker's ClusterIP Service: the OpenAI-compatible API and /metrics on one port.
using k8s.Models;

namespace Parley.Operator.Resources;

/// <summary>Builds the worker Service.</summary>
public static class WorkerService
{
    public static V1Service Build(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var chat = context.Chat;
        return Ownership.Own(new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = ResourceNames.Worker(chat), NamespaceProperty = context.Namespace, Labels = Labels.For(chat, Labels.WorkerComponent) },
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = Labels.Selector(chat, Labels.WorkerComponent),
                Ports = [new V1ServicePort { Name = "http", Port = WorkerArgs.Port, TargetPort = "http", Protocol = "TCP" }],
            },
        }, chat);
    }

    /// <summary>The in-cluster base URL of the OpenAI-compatible API.</summary>
    public static string ApiUrl(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return $"http://{ResourceNames.Worker(context.Chat)}.{context.Namespace}.svc:{WorkerArgs.Port}/v1";
    }
}
