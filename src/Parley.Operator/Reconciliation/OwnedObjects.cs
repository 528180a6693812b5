// Every object a ChatDeployment may own, by kind and deterministic name, for deleting the ones no longer wanted.
using k8s;
using k8s.Models;
using Parley.Api;
using Parley.Operator.Resources;

namespace Parley.Operator.Reconciliation;

/// <summary>Deletes owned objects that the desired state no longer contains.</summary>
public static class OwnedObjects
{
    private static IEnumerable<(string Kind, string Name, Func<Applier, string, string, string, CancellationToken, Task<AppliedObject>> Delete)> All(ChatDeployment chat) =>
    [
        ("Deployment", ResourceNames.Worker(chat), (a, ns, n, uid, ct) => a.DeleteIfOwnedAsync<V1Deployment>(ns, n, uid, ct)),
        ("Service", ResourceNames.Worker(chat), (a, ns, n, uid, ct) => a.DeleteIfOwnedAsync<V1Service>(ns, n, uid, ct)),
        ("NetworkPolicy", ResourceNames.Worker(chat), (a, ns, n, uid, ct) => a.DeleteIfOwnedAsync<V1NetworkPolicy>(ns, n, uid, ct)),
        ("ServiceMonitor", ResourceNames.Worker(chat), (a, ns, n, uid, ct) => a.DeleteIfOwnedAsync<ServiceMonitor>(ns, n, uid, ct)),
        ("Deployment", ResourceNames.Ui(chat), (a, ns, n, uid, ct) => a.DeleteIfOwnedAsync<V1Deployment>(ns, n, uid, ct)),
        ("Service", ResourceNames.Ui(chat), (a, ns, n, uid, ct) => a.DeleteIfOwnedAsync<V1Service>(ns, n, uid, ct)),
        ("Ingress", ResourceNames.Ui(chat), (a, ns, n, uid, ct) => a.DeleteIfOwnedAsync<V1Ingress>(ns, n, uid, ct)),
        ("ConfigMap", ResourceNames.ChatTemplate(chat), (a, ns, n, uid, ct) => a.DeleteIfOwnedAsync<V1ConfigMap>(ns, n, uid, ct)),
        ("PersistentVolumeClaim", ResourceNames.ModelCache(chat), (a, ns, n, uid, ct) => a.DeleteIfOwnedAsync<V1PersistentVolumeClaim>(ns, n, uid, ct)),
        ("PersistentVolumeClaim", ResourceNames.UiData(chat), (a, ns, n, uid, ct) => a.DeleteIfOwnedAsync<V1PersistentVolumeClaim>(ns, n, uid, ct)),
        ("Secret", ResourceNames.Credentials(chat), (a, ns, n, uid, ct) => a.DeleteIfOwnedAsync<V1Secret>(ns, n, uid, ct)),
    ];

    /// <summary>Deletes every object this ChatDeployment controls except those in <paramref name="except"/>.</summary>
    public static async Task<IReadOnlyList<AppliedObject>> DeleteAllAsync(Applier applier, ChatDeployment chat,
        IReadOnlyCollection<IKubernetesObject<V1ObjectMeta>> except, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applier);
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(except);
        var results = new List<AppliedObject>();
        foreach (var (kind, name, delete) in All(chat))
        {
            if (except.Any(obj => obj.Kind == kind && obj.Metadata.Name == name))
            {
                continue;
            }

            results.Add(await delete(applier, chat.Metadata.NamespaceProperty, name, chat.Metadata.Uid, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }
}
