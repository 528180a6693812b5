// Deleting what a ChatDeployment no longer wants (or, in the finalizer, everything): every applied row of the
// owned-kinds table, by each of its names, in the table's order.
using k8s;
using k8s.Models;
using Parley.Api;
using Parley.Operator.Kinds;

namespace Parley.Operator.Reconciliation;

/// <summary>Deletes owned objects that the desired state no longer contains.</summary>
public static class OwnedObjects
{
    /// <summary>Every (kind, name) a ChatDeployment may own.</summary>
    public static IEnumerable<(OwnedKind Kind, string Name)> All(ChatDeployment chat) =>
        OwnedKinds.All.SelectMany(kind => kind.Names.Select(name => (kind, name(chat))));

    /// <summary>Deletes every object this ChatDeployment controls except those in <paramref name="except"/>.</summary>
    public static async Task<IReadOnlyList<AppliedObject>> DeleteAllAsync(Applier applier, ChatDeployment chat,
        IReadOnlyCollection<IKubernetesObject<V1ObjectMeta>> except, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applier);
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(except);
        var results = new List<AppliedObject>();
        foreach (var (kind, name) in All(chat))
        {
            if (except.Any(obj => obj.Kind == kind.Kind && obj.Metadata.Name == name))
            {
                continue;
            }

            results.Add(await kind.DeleteIfOwnedAsync(applier, chat.Metadata.NamespaceProperty, name, chat.Metadata.Uid, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }
}
