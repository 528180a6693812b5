// The garbage collector, run synchronously after each removal (the real one runs asynchronously, seconds later):
// a dependent whose owners are all gone is deleted (its finalizers honoured); one that still has a live owner, or
// whose owner was deleted with propagationPolicy=Orphan, only loses the dangling owner reference.
using System.Text.Json.Nodes;

namespace Parley.LocalCluster.Api;

internal static class GarbageCollector
{
    /// <summary>Collects the dependents of the removed object with <paramref name="ownerUid"/>. Caller holds the store's lock.</summary>
    public static void CollectDependents(ObjectStore store, string ownerUid, DeletePropagation propagation)
    {
        if (ownerUid.Length == 0)
        {
            return;
        }

        var dependents = store.AllEntries().Where(e => e.Object.OwnerUids().Contains(ownerUid)).Select(e => e.Key).ToList();
        foreach (var key in dependents)
        {
            // An earlier removal in this loop may already have collected it.
            if (store.Find(key) is not { } dependent)
            {
                continue;
            }

            var hasLiveOwner = dependent.OwnerUids().Any(uid => uid != ownerUid && Exists(store, uid));
            if (propagation == DeletePropagation.Orphan || hasLiveOwner)
            {
                store.Write(key, WithoutOwner(dependent, ownerUid), "MODIFIED");
            }
            else
            {
                ObjectDeletion.Delete(store, key, DeletePropagation.Background);
            }
        }
    }

    private static bool Exists(ObjectStore store, string uid) => store.AllEntries().Any(e => e.Object.Uid() == uid);

    private static JsonObject WithoutOwner(JsonObject dependent, string ownerUid)
    {
        var copy = dependent.DeepClone().AsObject();
        var owners = copy.Metadata()["ownerReferences"]!.AsArray();
        foreach (var owner in owners.OfType<JsonObject>().Where(o => o["uid"]?.GetValue<string>() == ownerUid).ToList())
        {
            owners.Remove(owner);
        }

        if (owners.Count == 0)
        {
            copy.Metadata().Remove("ownerReferences");
        }

        return copy;
    }
}
