// The API Service, named like the ChatDeployment: the address clients and the UI use when the router fronts the workers.
// It selects the router pods; the worker Service stays for the router's EndpointSlice discovery and for Prometheus.
using k8s.Models;
using Parley.Api.Contracts;

namespace Parley.Operator.Resources;

/// <summary>Builds the router's API Service and says which URL the API is reached at.</summary>
public static class ApiService
{
    /// <summary>The Service port: the same as the worker Service's, so a client's URL keeps its port when routing is turned on.</summary>
    public const int Port = WorkerFlags.DefaultPort;

    public static V1Service? Build(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.IsRoutingEnabled)
        {
            return null;
        }

        var chat = context.Chat;
        return Ownership.Own(new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = ResourceNames.Api(chat), NamespaceProperty = context.Namespace, Labels = Labels.For(chat, Labels.RouterComponent) },
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = Labels.Selector(chat, Labels.RouterComponent),
                Ports = [new V1ServicePort { Name = "http", Port = Port, TargetPort = "http", Protocol = "TCP" }],
            },
        }, chat);
    }

    /// <summary>The in-cluster base URL of the OpenAI-compatible API: the router's Service when routing is on, else the worker's.</summary>
    public static string Url(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.IsRoutingEnabled
            ? $"http://{ResourceNames.Api(context.Chat)}.{context.Namespace}.svc:{Port}/v1"
            : WorkerService.ApiUrl(context);
    }
}
