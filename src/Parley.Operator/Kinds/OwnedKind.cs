// One row of the owned-kinds table: what the operator does with a kind it owns or observes, and the typed operations
// (list, watch, apply, delete) that the rest of the operator reaches through the row instead of naming the type.
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Parley.Api;
using Parley.Operator.Reconciliation;
using Parley.Operator.Runtime;

namespace Parley.Operator.Kinds;

/// <summary>A kind a ChatDeployment owns (or, with no names, observes) and how the operator treats it.</summary>
public abstract class OwnedKind
{
    private protected OwnedKind(ApiResource resource, Watching watching, ReadSource readFrom, string why, IReadOnlyList<Func<ChatDeployment, string>> names)
    {
        if (readFrom == ReadSource.Cache && watching == Watching.Never)
        {
            throw new ArgumentException($"{resource.Kind} cannot be read from a cache that nothing fills.", nameof(readFrom));
        }

        (Resource, Watching, ReadFrom, Why, Names) = (resource, watching, readFrom, why, names);
    }

    public abstract Type Type { get; }

    public ApiResource Resource { get; }

    public string Kind => Resource.Kind;

    public Watching Watching { get; }

    public ReadSource ReadFrom { get; }

    /// <summary>Why the kind is (or is not) watched and read the way it is.</summary>
    public string Why { get; }

    /// <summary>The names a ChatDeployment's objects of this kind may have; empty for kinds it observes but never applies
    /// (pods are named by their ReplicaSet).</summary>
    public IReadOnlyList<Func<ChatDeployment, string>> Names { get; }

    public bool IsApplied => Names.Count > 0;

    /// <summary>Whether to keep an informer, given whether the ServiceMonitor CRD (the only optional one) is installed.</summary>
    public bool IsWatched(bool crdInstalled) => Watching == Watching.Always || (Watching == Watching.WhenInstalled && crdInstalled);

    /// <summary>An informer on this kind's owned objects; <paramref name="changed"/> hears every event.</summary>
    internal abstract IInformer CreateInformer(IKubernetes client, TimeSpan resyncPeriod, ILoggerFactory loggers, OwnedCaches caches,
        Action<IKubernetesObject<V1ObjectMeta>> changed);

    internal abstract Task<AppliedObject> ApplyAsync(Applier applier, IKubernetesObject<V1ObjectMeta> desired, CancellationToken cancellationToken);

    internal abstract Task<AppliedObject> DeleteIfOwnedAsync(Applier applier, string ns, string name, string ownerUid, CancellationToken cancellationToken);

    public override string ToString() => Kind;
}

/// <summary>A row for model type <typeparamref name="T"/> listed as <typeparamref name="TList"/>.</summary>
public sealed class OwnedKind<T, TList>(
    Watching watching, ReadSource readFrom, string why, IReadOnlyList<Func<ChatDeployment, string>> names,
    Func<IKubernetes, ListQuery, CancellationToken, Task<HttpOperationResponse<TList>>> list,
    Func<IKubernetes, ListQuery, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch)
    : OwnedKind(ApiResource.Of<T>(), watching, readFrom, why, names)
    where T : class, IKubernetesObject<V1ObjectMeta>
    where TList : IItems<T>, IMetadata<V1ListMeta>
{
    public override Type Type => typeof(T);

    internal override IInformer CreateInformer(IKubernetes client, TimeSpan resyncPeriod, ILoggerFactory loggers, OwnedCaches caches,
        Action<IKubernetesObject<V1ObjectMeta>> changed)
    {
        var informer = new Informer<T>(Resource.Plural, ct => ListAsync(client, ct), (rv, ct) => Watch(client, rv, ct), resyncPeriod,
            loggers.CreateLogger($"Parley.Operator.Informer.{Resource.Plural}"));
        informer.Changed += (_, obj) => changed(obj);
        caches.Add(informer.Cache);
        return informer;
    }

    internal override Task<AppliedObject> ApplyAsync(Applier applier, IKubernetesObject<V1ObjectMeta> desired, CancellationToken cancellationToken) =>
        applier.ApplyAsync((T)desired, cancellationToken);

    internal override Task<AppliedObject> DeleteIfOwnedAsync(Applier applier, string ns, string name, string ownerUid, CancellationToken cancellationToken) =>
        applier.DeleteIfOwnedAsync<T>(ns, name, ownerUid, cancellationToken);

    private async Task<(IReadOnlyList<T> Items, string ResourceVersion)> ListAsync(IKubernetes client, CancellationToken cancellationToken)
    {
        var response = await list(client, new ListQuery(OwnedKinds.Selector), cancellationToken).ConfigureAwait(false);
        return (response.Body.Items.ToList(), response.Body.Metadata?.ResourceVersion ?? "");
    }

    private IAsyncEnumerable<(WatchEventType, T)> Watch(IKubernetes client, string resourceVersion, CancellationToken cancellationToken) =>
        WatchEvents.Strict(onError => watch(client, new ListQuery(OwnedKinds.Selector, resourceVersion, WatchEvents.TimeoutSeconds), onError, cancellationToken),
            cancellationToken);
}
