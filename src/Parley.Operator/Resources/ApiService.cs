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
        return context.IsRoutingEnabled ? ComponentService.Build(context, ResourceNames.Api(context.Chat), Labels.RouterComponent, Port) : null;
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
