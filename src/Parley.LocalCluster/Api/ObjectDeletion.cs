// Deletion as the real registry does it: an object with finalizers is only marked (deletionTimestamp, MODIFIED) and
// stays until an update empties its finalizers; one without is removed at once (DELETED) and its dependents collected.
using System.Text.Json.Nodes;

namespace Parley.LocalCluster.Api;

/// <summary>The outcome of a delete: the object as it now is, and whether it is gone.</summary>
internal readonly record struct DeleteOutcome(JsonObject Object, bool IsRemoved);

internal static class ObjectDeletion
{
    /// <summary>Deletes or marks the object at <paramref name="key"/>. Caller holds the store's lock.</summary>
    public static DeleteOutcome Delete(ObjectStore store, ObjectKey key, DeletePropagation propagation, JsonObject? preconditions = null)
    {
        var stored = store.Find(key) ?? throw ApiStatusException.NotFound(key.Type, key.Name);
        CheckPreconditions(key, stored, preconditions);
        if (stored.Finalizers().Count > 0)
        {
            if (stored.IsBeingDeleted())
            {
                return new DeleteOutcome(stored, IsRemoved: false);
            }

            var marked = stored.DeepClone().AsObject();
            marked.SetMetadata("deletionTimestamp", store.Now());
            marked.SetMetadata("deletionGracePeriodSeconds", 0);
            return new DeleteOutcome(store.Write(key, marked, "MODIFIED"), IsRemoved: false);
        }

        return new DeleteOutcome(store.Remove(key, stored.DeepClone().AsObject(), propagation), IsRemoved: true);
    }

    private static void CheckPreconditions(ObjectKey key, JsonObject stored, JsonObject? preconditions)
    {
        if (preconditions?["uid"]?.GetValue<string>() is { } uid && uid != stored.Uid())
        {
            throw new ApiStatusException(409, "Conflict",
                $"Operation cannot be fulfilled on {key.Type.GroupResource} \"{key.Name}\": Precondition failed: UID in precondition: {uid}, UID in object meta: {stored.Uid()}");
        }

        if (preconditions?["resourceVersion"]?.GetValue<string>() is { } version && version != stored.ResourceVersion())
        {
            throw new ApiStatusException(409, "Conflict",
                $"Operation cannot be fulfilled on {key.Type.GroupResource} \"{key.Name}\": Precondition failed: ResourceVersion in precondition: {version}, ResourceVersion in object meta: {stored.ResourceVersion()}");
        }
    }
}
