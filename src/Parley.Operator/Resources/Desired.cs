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
    /// <param name="userApiKeySecret">The user's API-key Secret when <c>spec.worker.apiKeySecretRef</c> names one (its
    /// key's checksum goes on the pod templates); null when it is ours or cannot be read.</param>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> For(BuildContext context, V1Secret? existingCredentials, Func<string> newKey, V1Secret? userApiKeySecret = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var credentials = Credentials.Build(context, existingCredentials, newKey);
        if (Credentials.ApiKeyOf(context, credentials, userApiKeySecret) is { } key)
        {
            context = context with { ApiKeyChecksum = Credentials.Checksum(key) };
        }

        IKubernetesObject<V1ObjectMeta>?[] objects =
        [
            credentials,
            ChatTemplateConfigMap.Build(context),
            Claims.ModelCache(context),
            Claims.UiData(context),
            WorkerDeployment.Build(context),
            WorkerService.Build(context),
            WorkerNetworkPolicy.Build(context),
            ServiceMonitors.Worker(context),
            RouterRbac.ServiceAccount(context),
            RouterRbac.Role(context),
            RouterRbac.RoleBinding(context),
            RouterDeployment.Build(context),
            ApiService.Build(context),
            ServiceMonitors.Router(context),
            UiDeployment.Build(context),
            UiService.Build(context),
            UiService.Ingress(context),
        ];
        return objects.OfType<IKubernetesObject<V1ObjectMeta>>().ToList();
    }
}
