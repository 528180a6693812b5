// List and watch functions for the kinds the operator informs on that it does not own: its primary kind and the nodes
// it plans against. Owned kinds are listed and watched through their rows in Kinds/OwnedKinds.cs.
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Parley.Api;

namespace Parley.Operator.Runtime;

/// <summary>Builds <see cref="ListFunc{T}"/> and <see cref="WatchFunc{T}"/> pairs for each watched kind, across all namespaces.</summary>
public static class KindClients
{
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

    private static (IReadOnlyList<T> Items, string ResourceVersion) Items<T, TList>(HttpOperationResponse<TList> response)
        where TList : IItems<T>, IMetadata<V1ListMeta>
        => (response.Body.Items.ToList(), response.Body.Metadata?.ResourceVersion ?? "");
}
