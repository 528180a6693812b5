// List and watch functions for the kinds the operator informs on, over the real KubernetesClient API.
using k8s;
using k8s.Autorest;
using k8s.Models;
using Parley.Api;
using Parley.Operator.Resources;

namespace Parley.Operator.Runtime;

/// <summary>Builds <see cref="ListFunc{T}"/> and <see cref="WatchFunc{T}"/> pairs for each watched kind, across all namespaces.</summary>
public static class KindClients
{
    /// <summary>Owned objects carry this label; selecting by it keeps the caches to Parley's objects.</summary>
    public const string OwnedSelector = Labels.Chat;

    private const int Timeout = WatchEvents.TimeoutSeconds;

    public static (ListFunc<ChatDeployment> List, WatchFunc<ChatDeployment> Watch) ChatDeployments(IKubernetes client) =>
    (
        async ct =>
        {
            var list = (await client.CustomObjects.ListCustomObjectForAllNamespacesWithHttpMessagesAsync<ChatDeploymentList>(
                ChatDeployment.Group, ChatDeployment.Version, ChatDeployment.Plural, cancellationToken: ct).ConfigureAwait(false)).Body;
            return (list.Items.ToList(), list.Metadata?.ResourceVersion ?? "");
        },
        (rv, ct) => WatchEvents.Strict(onError => WatchEvents.Typed<ChatDeployment>(client.CustomObjects.WatchListCustomObjectForAllNamespacesAsync(
            ChatDeployment.Group, ChatDeployment.Version, ChatDeployment.Plural, allowWatchBookmarks: true, resourceVersion: rv,
            timeoutSeconds: Timeout, onError: onError, cancellationToken: ct), ct), ct)
    );

    public static (ListFunc<V1Node> List, WatchFunc<V1Node> Watch) Nodes(IKubernetes client) =>
    (
        async ct => Items<V1Node, V1NodeList>(await client.CoreV1.ListNodeWithHttpMessagesAsync(cancellationToken: ct).ConfigureAwait(false)),
        (rv, ct) => WatchEvents.Strict(onError => client.CoreV1.WatchListNodeAsync(
            allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: Timeout, onError: onError, cancellationToken: ct), ct)
    );

    public static (ListFunc<V1Deployment> List, WatchFunc<V1Deployment> Watch) Deployments(IKubernetes client) =>
    (
        async ct => Items<V1Deployment, V1DeploymentList>(await client.AppsV1.ListDeploymentForAllNamespacesWithHttpMessagesAsync(
            labelSelector: OwnedSelector, cancellationToken: ct).ConfigureAwait(false)),
        (rv, ct) => WatchEvents.Strict(onError => client.AppsV1.WatchListDeploymentForAllNamespacesAsync(
            allowWatchBookmarks: true, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: Timeout, onError: onError, cancellationToken: ct), ct)
    );

    public static (ListFunc<V1Pod> List, WatchFunc<V1Pod> Watch) Pods(IKubernetes client) =>
    (
        async ct => Items<V1Pod, V1PodList>(await client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(
            labelSelector: OwnedSelector, cancellationToken: ct).ConfigureAwait(false)),
        (rv, ct) => WatchEvents.Strict(onError => client.CoreV1.WatchListPodForAllNamespacesAsync(
            allowWatchBookmarks: true, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: Timeout, onError: onError, cancellationToken: ct), ct)
    );

    public static (ListFunc<V1Service> List, WatchFunc<V1Service> Watch) Services(IKubernetes client) =>
    (
        async ct => Items<V1Service, V1ServiceList>(await client.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(
            labelSelector: OwnedSelector, cancellationToken: ct).ConfigureAwait(false)),
        (rv, ct) => WatchEvents.Strict(onError => client.CoreV1.WatchListServiceForAllNamespacesAsync(
            allowWatchBookmarks: true, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: Timeout, onError: onError, cancellationToken: ct), ct)
    );

    public static (ListFunc<V1PersistentVolumeClaim> List, WatchFunc<V1PersistentVolumeClaim> Watch) Claims(IKubernetes client) =>
    (
        async ct => Items<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>(await client.CoreV1.ListPersistentVolumeClaimForAllNamespacesWithHttpMessagesAsync(
            labelSelector: OwnedSelector, cancellationToken: ct).ConfigureAwait(false)),
        (rv, ct) => WatchEvents.Strict(onError => client.CoreV1.WatchListPersistentVolumeClaimForAllNamespacesAsync(
            allowWatchBookmarks: true, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: Timeout, onError: onError, cancellationToken: ct), ct)
    );

    public static (ListFunc<V1NetworkPolicy> List, WatchFunc<V1NetworkPolicy> Watch) NetworkPolicies(IKubernetes client) =>
    (
        async ct => Items<V1NetworkPolicy, V1NetworkPolicyList>(await client.NetworkingV1.ListNetworkPolicyForAllNamespacesWithHttpMessagesAsync(
            labelSelector: OwnedSelector, cancellationToken: ct).ConfigureAwait(false)),
        (rv, ct) => WatchEvents.Strict(onError => client.NetworkingV1.WatchListNetworkPolicyForAllNamespacesAsync(
            allowWatchBookmarks: true, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: Timeout, onError: onError, cancellationToken: ct), ct)
    );

    private static (IReadOnlyList<T> Items, string ResourceVersion) Items<T, TList>(HttpOperationResponse<TList> response)
        where TList : IItems<T>, IMetadata<V1ListMeta>
        => (response.Body.Items.ToList(), response.Body.Metadata?.ResourceVersion ?? "");
}
