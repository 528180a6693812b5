// The worker's ClusterIP Service: the OpenAI-compatible API and /metrics on one port.
using k8s.Models;

namespace Parley.Operator.Resources;

/// <summary>Builds the worker Service.</summary>
public static class WorkerService
{
    public static V1Service Build(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ComponentService.Build(context, ResourceNames.Worker(context.Chat), Labels.WorkerComponent, WorkerArgs.Port);
    }

    /// <summary>The in-cluster base URL of the OpenAI-compatible API.</summary>
    public static string ApiUrl(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return $"http://{ResourceNames.Worker(context.Chat)}.{context.Namespace}.svc:{WorkerArgs.Port}/v1";
    }
}
