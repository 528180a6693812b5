// The one table of kinds a ChatDeployment owns or observes. It drives the informers and owner enqueueing
// (Cli/OperatorHost), the apply dispatch and the deletion of unwanted objects (Reconciliation/), the API paths
// (Kinds/ApiResource, from each type's [KubernetesEntity]) and the chart's RBAC test. Adding a kind is one row here;
// the order is the deletion order: workloads before the configuration and storage they mount.
using k8s;
using k8s.Models;
using Parley.Operator.Resources;
using Parley.Operator.Runtime;

namespace Parley.Operator.Kinds;

/// <summary>Every owned or observed kind.</summary>
public static class OwnedKinds
{
    /// <summary>Owned objects carry the <c>parley.dev/chat</c> label; informers select by it, so the caches hold only
    /// Parley's objects.</summary>
    public const string Selector = Labels.Chat;

    private const string Restored = "watched so that a hand edit or deletion brings its ChatDeployment back at once";

    public static IReadOnlyList<OwnedKind> All { get; } =
    [
        new OwnedKind<V1Deployment, V1DeploymentList>(Watching.Always, ReadSource.Cache, Restored + "; rollout progress comes as Deployment status events",
            [ResourceNames.Worker, ResourceNames.Ui, ResourceNames.Router],
            (c, q, ct) => c.AppsV1.ListDeploymentForAllNamespacesWithHttpMessagesAsync(labelSelector: q.LabelSelector, cancellationToken: ct),
            (c, q, onError, ct) => c.AppsV1.WatchListDeploymentForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: q.LabelSelector,
                resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, onError: onError, cancellationToken: ct)),
        new OwnedKind<V1Service, V1ServiceList>(Watching.Always, ReadSource.Cache, Restored,
            [ResourceNames.Worker, ResourceNames.Ui, ResourceNames.Api],
            (c, q, ct) => c.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(labelSelector: q.LabelSelector, cancellationToken: ct),
            (c, q, onError, ct) => c.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: q.LabelSelector,
                resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, onError: onError, cancellationToken: ct)),
        new OwnedKind<V1NetworkPolicy, V1NetworkPolicyList>(Watching.Always, ReadSource.Cache, Restored,
            [ResourceNames.Worker],
            (c, q, ct) => c.NetworkingV1.ListNetworkPolicyForAllNamespacesWithHttpMessagesAsync(labelSelector: q.LabelSelector, cancellationToken: ct),
            (c, q, onError, ct) => c.NetworkingV1.WatchListNetworkPolicyForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: q.LabelSelector,
                resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, onError: onError, cancellationToken: ct)),
        new OwnedKind<ServiceMonitor, ServiceMonitorList>(Watching.WhenInstalled, ReadSource.Cache, Restored + "; only when the Prometheus Operator's CRD is installed",
            [ResourceNames.Worker, ResourceNames.Router],
            (c, q, ct) => c.CustomObjects.ListCustomObjectForAllNamespacesWithHttpMessagesAsync<ServiceMonitorList>(ServiceMonitor.Group, ServiceMonitor.Version,
                ServiceMonitor.Plural, labelSelector: q.LabelSelector, cancellationToken: ct),
            (c, q, onError, ct) => WatchEvents.Decoded(c.CustomObjects.WatchListCustomObjectForAllNamespacesAsync(ServiceMonitor.Group, ServiceMonitor.Version,
                ServiceMonitor.Plural, allowWatchBookmarks: true, labelSelector: q.LabelSelector, resourceVersion: q.ResourceVersion,
                timeoutSeconds: q.TimeoutSeconds, onError: onError, cancellationToken: ct), Decode<ServiceMonitor>, ct)),
        new OwnedKind<V1Ingress, V1IngressList>(Watching.Always, ReadSource.Cache, Restored,
            [ResourceNames.Ui],
            (c, q, ct) => c.NetworkingV1.ListIngressForAllNamespacesWithHttpMessagesAsync(labelSelector: q.LabelSelector, cancellationToken: ct),
            (c, q, onError, ct) => c.NetworkingV1.WatchListIngressForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: q.LabelSelector,
                resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, onError: onError, cancellationToken: ct)),
        new OwnedKind<V1ConfigMap, V1ConfigMapList>(Watching.Always, ReadSource.Cache, Restored,
            [ResourceNames.ChatTemplate],
            (c, q, ct) => c.CoreV1.ListConfigMapForAllNamespacesWithHttpMessagesAsync(labelSelector: q.LabelSelector, cancellationToken: ct),
            (c, q, onError, ct) => c.CoreV1.WatchListConfigMapForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: q.LabelSelector,
                resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, onError: onError, cancellationToken: ct)),
        new OwnedKind<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>(Watching.Always, ReadSource.Cache, Restored,
            [ResourceNames.ModelCache, ResourceNames.UiData],
            (c, q, ct) => c.CoreV1.ListPersistentVolumeClaimForAllNamespacesWithHttpMessagesAsync(labelSelector: q.LabelSelector, cancellationToken: ct),
            (c, q, onError, ct) => c.CoreV1.WatchListPersistentVolumeClaimForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: q.LabelSelector,
                resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, onError: onError, cancellationToken: ct)),
        new OwnedKind<V1Secret, V1SecretList>(Watching.Always, ReadSource.Cache, Restored + "; selected by label, so the cache holds Parley's Secrets only (RBAC cannot narrow list by label: the ClusterRole allows listing every Secret)",
            [ResourceNames.Credentials],
            (c, q, ct) => c.CoreV1.ListSecretForAllNamespacesWithHttpMessagesAsync(labelSelector: q.LabelSelector, cancellationToken: ct),
            (c, q, onError, ct) => c.CoreV1.WatchListSecretForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: q.LabelSelector,
                resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, onError: onError, cancellationToken: ct)),
        // The router's identity and access: after its Deployment (above) in deletion order, so the pods go first.
        new OwnedKind<V1RoleBinding, V1RoleBindingList>(Watching.Always, ReadSource.Cache, Restored,
            [ResourceNames.Router],
            (c, q, ct) => c.RbacAuthorizationV1.ListRoleBindingForAllNamespacesWithHttpMessagesAsync(labelSelector: q.LabelSelector, cancellationToken: ct),
            (c, q, onError, ct) => c.RbacAuthorizationV1.WatchListRoleBindingForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: q.LabelSelector,
                resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, onError: onError, cancellationToken: ct)),
        new OwnedKind<V1Role, V1RoleList>(Watching.Always, ReadSource.Cache, Restored,
            [ResourceNames.Router],
            (c, q, ct) => c.RbacAuthorizationV1.ListRoleForAllNamespacesWithHttpMessagesAsync(labelSelector: q.LabelSelector, cancellationToken: ct),
            (c, q, onError, ct) => c.RbacAuthorizationV1.WatchListRoleForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: q.LabelSelector,
                resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, onError: onError, cancellationToken: ct)),
        new OwnedKind<V1ServiceAccount, V1ServiceAccountList>(Watching.Always, ReadSource.Cache, Restored,
            [ResourceNames.Router],
            (c, q, ct) => c.CoreV1.ListServiceAccountForAllNamespacesWithHttpMessagesAsync(labelSelector: q.LabelSelector, cancellationToken: ct),
            (c, q, onError, ct) => c.CoreV1.WatchListServiceAccountForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: q.LabelSelector,
                resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, onError: onError, cancellationToken: ct)),
        new OwnedKind<V1Pod, V1PodList>(Watching.Always, ReadSource.Cache, "observed, never applied: worker pods' termination messages say when the GPU ran out of memory",
            [],
            (c, q, ct) => c.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(labelSelector: q.LabelSelector, cancellationToken: ct),
            (c, q, onError, ct) => c.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: q.LabelSelector,
                resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, onError: onError, cancellationToken: ct)),
    ];

    /// <summary>Custom-object watches hand out untyped JSON.</summary>
    private static T Decode<T>(object json) => KubernetesJson.Deserialize<T>(((System.Text.Json.JsonElement)json).GetRawText());

    /// <summary>The row of a model type.</summary>
    /// <exception cref="InvalidOperationException">The type has no row: add one above.</exception>
    public static OwnedKind Of(Type type) =>
        All.FirstOrDefault(kind => kind.Type == type) ?? throw new InvalidOperationException($"{type?.Name} is not in the owned-kinds table.");

    public static OwnedKind Of(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Of(obj.GetType());
    }
}
