// Reads and writes of the objects the reconciler owns, through KubernetesClient's GenericClient and the retry pipeline.
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Parley.Api;
using Parley.Operator.Kinds;
using Polly;

namespace Parley.Operator.Reconciliation;

/// <summary>Typed CRUD for the kinds Parley manages; a missing object reads as null.</summary>
public sealed class ClusterApi(IKubernetes client, ResiliencePipeline pipeline)
{
    private long _requestCount;

    /// <summary>API calls attempted (retries included).</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    public Task<T?> GetAsync<T>(string ns, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => RunAsync<T?>(async ct =>
        {
            try
            {
                return await Generic<T>().ReadNamespacedAsync<T>(ns, name, ct).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Is(HttpStatusCode.NotFound))
            {
                return null;
            }
        }, cancellationToken);

    public Task<T> CreateAsync<T>(T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => RunAsync(ct => Generic<T>().CreateNamespacedAsync(obj, obj.Metadata.NamespaceProperty, ct), cancellationToken);

    public Task<T> ReplaceAsync<T>(T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => RunAsync(ct => Generic<T>().ReplaceNamespacedAsync(obj, obj.Metadata.NamespaceProperty, obj.Metadata.Name, ct), cancellationToken);

    public Task<T> PatchAsync<T>(string ns, string name, V1Patch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => RunAsync(ct => Generic<T>().PatchNamespacedAsync<T>(patch, ns, name, ct), cancellationToken);

    /// <summary>Deletes an object; an object already gone is not an error.</summary>
    /// <remarks>The API server answers a delete with the object (pods, services, claims, custom resources, or any object
    /// kept by finalizers) or with a <c>Status</c> (most other kinds, once removed); a Status read as the kind fails to
    /// decode (<c>"status": "Success"</c> is no DeploymentStatus). <see cref="V1Status"/> reads either answer.</remarks>
    public Task DeleteAsync<T>(string ns, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => RunAsync(async ct =>
        {
            try
            {
                await Generic<T>().DeleteNamespacedAsync<V1Status>(ns, name, ct).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Is(HttpStatusCode.NotFound))
            {
                // Already gone.
            }

            return true;
        }, cancellationToken);

    /// <summary>Replaces a ChatDeployment's status subresource; a stale resourceVersion answers 409.</summary>
    public Task ReplaceStatusAsync(ChatDeployment chat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chat);
        return RunAsync(ct => client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(chat, ChatDeployment.Group, ChatDeployment.Version,
            chat.Metadata.NamespaceProperty, ChatDeployment.Plural, chat.Metadata.Name, cancellationToken: ct), cancellationToken);
    }

    /// <summary>Records a core v1 Event.</summary>
    public Task CreateEventAsync(Corev1Event e, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        return RunAsync(ct => client.CoreV1.CreateNamespacedEventAsync(e, e.Metadata.NamespaceProperty, cancellationToken: ct), cancellationToken);
    }

    private GenericClient Generic<T>()
    {
        // Paths come from the type's [KubernetesEntity], the same source as the owned-kinds table's (Kinds/OwnedKinds.cs).
        var (group, version, plural, _) = ApiResource.Of<T>();
        return group.Length == 0 ? new GenericClient(client, version, plural, disposeClient: false) : new GenericClient(client, group, version, plural, disposeClient: false);
    }

    private async Task<TResult> RunAsync<TResult>(Func<CancellationToken, Task<TResult>> call, CancellationToken cancellationToken)
    {
        return await pipeline.ExecuteAsync(async ct =>
        {
            Interlocked.Increment(ref _requestCount);
            return await call(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }
}
