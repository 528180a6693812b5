// List and watch functions for the kinds the operator informs on, over the real KubernetesClient API.
using System.Text.Json;
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

    /// <summary>ChatDeployments are read as JSON and decoded one by one, so one the types cannot read does not fail the
    /// list or the watch for every namespace (see <see cref="ChatDeploymentDecoder"/>).</summary>
    public static (ListFunc<ChatDeployment> List, WatchFunc<ChatDeployment> Watch) ChatDeployments(IKubernetes client, ChatDeploymentDecoder decoder) =>
    (
        async ct =>
        {
            var list = (await client.CustomObjects.ListCustomObjectForAllNamespacesWithHttpMessagesAsync<JsonElement>(
                ChatDeployment.Group, ChatDeployment.Version, ChatDeployment.Plural, cancellationToken: ct).ConfigureAwait(false)).Body;
            var items = list.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array
                ? array.EnumerateArray().Select(decoder.Decode).ToList()
                : [];
            var resourceVersion = list.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("resourceVersion", out var rv)
                ? rv.GetString() ?? ""
                : "";
            return (items, resourceVersion);
        },
        (rv, ct) => WatchEvents.Strict(onError => WatchEvents.Decoded(client.CustomObjects.WatchListCustomObjectForAllNamespacesAsync(
            ChatDeployment.Group, ChatDeployment.Version, ChatDeployment.Plural, allowWatchBookmarks: true, resourceVersion: rv,
            timeoutSeconds: Timeout, onError: onError, cancellationToken: ct), decoder.Decode, ct), ct)
    );

    public static (ListFunc<V1Node> List, WatchFunc<V1Node> Watch) Nodes(IKubernetes client) =>
    (
        async ct => Items<V1Node, V1NodeList>(await client.CoreV1.ListNodeWithHttpMessagesAsync(cancellationToken: ct).ConfigureAwait(false)),
        (rv, ct) => WatchEvents.Strict(onError => client.CoreV1.WatchListNodeAsync(
            allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: Timeout, onError: onError, cancellationToken: ct), ct)
    );

    public static (ListFunc<V1Deployment> List, WatchFunc<V1Deployment> Watch) Deployments(IKubernetes client) => Owned<V1Deployment, V1DeploymentList>(
        (selector, ct) => client.AppsV1.ListDeploymentForAllNamespacesWithHttpMessagesAsync(labelSelector: selector, cancellationToken: ct),
        (selector, rv, onError, ct) => client.AppsV1.WatchListDeploymentForAllNamespacesAsync(
            allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: Timeout, onError: onError, cancellationToken: ct));

    public static (ListFunc<V1Pod> List, WatchFunc<V1Pod> Watch) Pods(IKubernetes client) => Owned<V1Pod, V1PodList>(
        (selector, ct) => client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(labelSelector: selector, cancellationToken: ct),
        (selector, rv, onError, ct) => client.CoreV1.WatchListPodForAllNamespacesAsync(
            allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: Timeout, onError: onError, cancellationToken: ct));

    public static (ListFunc<V1Service> List, WatchFunc<V1Service> Watch) Services(IKubernetes client) => Owned<V1Service, V1ServiceList>(
        (selector, ct) => client.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(labelSelector: selector, cancellationToken: ct),
        (selector, rv, onError, ct) => client.CoreV1.WatchListServiceForAllNamespacesAsync(
            allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: Timeout, onError: onError, cancellationToken: ct));

    public static (ListFunc<V1PersistentVolumeClaim> List, WatchFunc<V1PersistentVolumeClaim> Watch) Claims(IKubernetes client) => Owned<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>(
        (selector, ct) => client.CoreV1.ListPersistentVolumeClaimForAllNamespacesWithHttpMessagesAsync(labelSelector: selector, cancellationToken: ct),
        (selector, rv, onError, ct) => client.CoreV1.WatchListPersistentVolumeClaimForAllNamespacesAsync(
            allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: Timeout, onError: onError, cancellationToken: ct));

    public static (ListFunc<V1NetworkPolicy> List, WatchFunc<V1NetworkPolicy> Watch) NetworkPolicies(IKubernetes client) => Owned<V1NetworkPolicy, V1NetworkPolicyList>(
        (selector, ct) => client.NetworkingV1.ListNetworkPolicyForAllNamespacesWithHttpMessagesAsync(labelSelector: selector, cancellationToken: ct),
        (selector, rv, onError, ct) => client.NetworkingV1.WatchListNetworkPolicyForAllNamespacesAsync(
            allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: Timeout, onError: onError, cancellationToken: ct));

    /// <summary>List and watch of a kind Parley owns, by the <see cref="OwnedSelector"/> label, across all namespaces.</summary>
    private static (ListFunc<T> List, WatchFunc<T> Watch) Owned<T, TList>(
        Func<string, CancellationToken, Task<HttpOperationResponse<TList>>> list,
        Func<string, string, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch)
        where TList : IItems<T>, IMetadata<V1ListMeta>
        => (
            async ct => Items<T, TList>(await list(OwnedSelector, ct).ConfigureAwait(false)),
            (rv, ct) => WatchEvents.Strict(onError => watch(OwnedSelector, rv, onError, ct), ct));

    private static (IReadOnlyList<T> Items, string ResourceVersion) Items<T, TList>(HttpOperationResponse<TList> response)
        where TList : IItems<T>, IMetadata<V1ListMeta>
        => (response.Body.Items.ToList(), response.Body.Metadata?.ResourceVersion ?? "");
}
