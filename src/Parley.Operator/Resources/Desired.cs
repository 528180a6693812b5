// The whole desired state of one ChatDeployment: every object the operator applies, in dependency order.
using k8s;
using k8s.Models;

namespace Parley.Operator.Resources;

/// <summary>Builds every object a ChatDeployment owns.</summary>
public static class Desired
{
    /// <summary>The objects to apply: storage and configuration before the workloads that mount them.</summary>
    /// <param name="context">The build inputs.</param>
    /// <param name="existingCredentials">The credentials Secret in the cluster, whose generated values are kept.</param>
    /// <param name="newKey">Makes fresh random keys; <see cref="Credentials.NewKey"/> outside tests.</param>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> For(BuildContext context, V1Secret? existingCredentials, Func<string> newKey)
    {
        ArgumentNullException.ThrowIfNull(context);
        IKubernetesObject<V1ObjectMeta>?[] objects =
        [
            Credentials.Build(context, existingCredentials, newKey),
            ChatTemplateConfigMap.Build(context),
            Claims.ModelCache(context),
            Claims.UiData(context),
            WorkerDeployment.Build(context),
            WorkerService.Build(context),
            WorkerNetworkPolicy.Build(context),
            WorkerServiceMonitor.Build(context),
            UiDeployment.Build(context),
            UiService.Build(context),
            UiService.Ingress(context),
        ];
        return objects.OfType<IKubernetesObject<V1ObjectMeta>>().ToList();
    }
}
