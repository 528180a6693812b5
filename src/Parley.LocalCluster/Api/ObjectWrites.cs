// Create and update as the real registry does them: server-owned metadata (uid, creationTimestamp, generation,
// resourceVersion, deletionTimestamp) is assigned or kept, never taken from the client; optimistic concurrency on
// resourceVersion; the status subresource splits who may write status; generation counts changes outside metadata
// and status; an update that empties the finalizers of an object being deleted removes it.
using System.Text.Json.Nodes;

namespace Parley.LocalCluster.Api;

/// <summary>Which part of an object a write may change.</summary>
internal enum WriteTarget
{
    /// <summary>The main resource: everything but status, when the kind has a status subresource.</summary>
    Main,

    /// <summary>The <c>/status</c> subresource: only status.</summary>
    Status,
}

internal static class ObjectWrites
{
    private static readonly string[] ServerOwnedMetadata = ["uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds"];

    /// <summary>POST. Caller holds the store's lock.</summary>
    public static JsonObject Create(ObjectStore store, ResourceType type, string? pathNamespace, JsonObject body)
    {
        SetNamespace(type, pathNamespace, body);
        if (body.Name().Length == 0 && body.MetadataString("generateName") is { Length: > 0 } prefix)
        {
            body.SetMetadata("name", prefix + RandomSuffix());
        }

        if (!string.IsNullOrEmpty(body.ResourceVersion()))
        {
            // The real server answers this with a 500 from its storage layer.
            throw new ApiStatusException("resourceVersion should not be set on objects to be created");
        }

        ObjectValidator.Validate(type, body);
        ObjectDefaults.Apply(type, body);
        var key = ObjectStore.KeyOf(type, body);
        if (store.Find(key) is not null)
        {
            throw ApiStatusException.AlreadyExists(type, key.Name);
        }

        foreach (var field in ServerOwnedMetadata)
        {
            body.Metadata().Remove(field);
        }

        body.SetMetadata("uid", Guid.NewGuid().ToString());
        body.SetMetadata("creationTimestamp", store.Now());
        body.SetMetadata("generation", 1L);
        // Status cannot be set on create where a status subresource exists; nodes are the exception the real server makes.
        if (type.HasStatusSubresource && type.Kind != "Node")
        {
            body.Remove("status");
        }

        return store.Write(key, body, "ADDED");
    }

    /// <summary>PUT or PATCH result. Caller holds the store's lock.</summary>
    public static JsonObject Update(ObjectStore store, ObjectKey key, JsonObject proposed, WriteTarget target)
    {
        var stored = store.Find(key) ?? throw ApiStatusException.NotFound(key.Type, key.Name);
        CheckIdentity(key, proposed);
        var version = proposed.ResourceVersion();
        if (string.IsNullOrEmpty(version))
        {
            throw ApiStatusException.Invalid(key.Type, key.Name, "metadata.resourceVersion", "Invalid value: 0x0: must be specified for an update");
        }

        if (version != stored.ResourceVersion())
        {
            throw ApiStatusException.Conflict(key.Type, key.Name);
        }

        var next = target == WriteTarget.Status ? WithStatusOf(stored, proposed) : WithServerFieldsOf(stored, proposed, key);
        ObjectValidator.Validate(key.Type, next);
        ObjectDefaults.Apply(key.Type, next);
        CheckNoNewFinalizers(key, stored, next);
        return Commit(store, key, stored, next);
    }

    /// <summary>A test's direct write: no validation, no resourceVersion check, status included. Caller holds the store's lock.</summary>
    public static JsonObject Upsert(ObjectStore store, ResourceType type, JsonObject obj)
    {
        if (obj.Name().Length == 0)
        {
            throw new ArgumentException("The object has no metadata.name.", nameof(obj));
        }

        if (!type.IsNamespaced)
        {
            obj.Metadata().Remove("namespace");
        }

        ObjectDefaults.Apply(type, obj);
        var key = ObjectStore.KeyOf(type, obj);
        if (store.Find(key) is not { } stored)
        {
            obj.SetMetadata("uid", obj.MetadataString("uid") ?? Guid.NewGuid().ToString());
            obj.SetMetadata("creationTimestamp", obj.MetadataString("creationTimestamp") ?? store.Now());
            obj.SetMetadata("generation", 1L);
            return store.Write(key, obj, "ADDED");
        }

        foreach (var field in new[] { "uid", "creationTimestamp", "generation" })
        {
            obj.SetMetadata(field, stored.Metadata()[field]?.DeepClone());
        }

        return Commit(store, key, stored, obj);
    }

    /// <summary>Writes <paramref name="next"/> over <paramref name="stored"/>: generation, no-op detection, finalizer completion.</summary>
    private static JsonObject Commit(ObjectStore store, ObjectKey key, JsonObject stored, JsonObject next)
    {
        next["apiVersion"] = key.Type.ApiVersion;
        next["kind"] = key.Type.Kind;
        next.SetMetadata("resourceVersion", stored.ResourceVersion());
        var generation = stored.Generation();
        next.SetMetadata("generation", HasContentChange(stored, next) ? generation + 1 : generation);
        if (JsonNode.DeepEquals(stored, next))
        {
            // The real storage layer skips a write that changes nothing: same resourceVersion, no event.
            return stored;
        }

        return next.IsBeingDeleted() && next.Finalizers().Count == 0
            ? store.Remove(key, next, DeletePropagation.Background)
            : store.Write(key, next, "MODIFIED");
    }

    /// <summary>Whether anything outside metadata and status changed (spec, data, rules, ...): what bumps generation.</summary>
    private static bool HasContentChange(JsonObject stored, JsonObject next)
    {
        static IEnumerable<string> ContentKeys(JsonObject o) =>
            o.Select(p => p.Key).Where(k => k is not ("metadata" or "status" or "apiVersion" or "kind"));

        var keys = ContentKeys(stored).Union(ContentKeys(next));
        return keys.Any(k => !JsonNode.DeepEquals(stored[k], next[k]));
    }

    private static JsonObject WithStatusOf(JsonObject stored, JsonObject proposed)
    {
        var next = stored.DeepClone().AsObject();
        next.Remove("status");
        if (proposed["status"] is { } status)
        {
            next["status"] = status.DeepClone();
        }

        return next;
    }

    private static JsonObject WithServerFieldsOf(JsonObject stored, JsonObject proposed, ObjectKey key)
    {
        var next = proposed.DeepClone().AsObject();
        if (key.Type.HasStatusSubresource)
        {
            next.Remove("status");
            if (stored["status"] is { } status)
            {
                next["status"] = status.DeepClone();
            }
        }

        foreach (var field in ServerOwnedMetadata)
        {
            next.Metadata().Remove(field);
            if (stored.Metadata()[field] is { } value)
            {
                next.SetMetadata(field, value.DeepClone());
            }
        }

        if (key.Type.IsNamespaced)
        {
            next.SetMetadata("namespace", key.Namespace);
        }

        return next;
    }

    private static void CheckIdentity(ObjectKey key, JsonObject proposed)
    {
        if (proposed.Name() != key.Name)
        {
            throw ApiStatusException.BadRequest($"the name of the object ({proposed.Name()}) does not match the name on the URL ({key.Name})");
        }

        if (key.Type.IsNamespaced && proposed.Namespace() is { Length: > 0 } ns && ns != key.Namespace)
        {
            throw ApiStatusException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
    }

    private static void CheckNoNewFinalizers(ObjectKey key, JsonObject stored, JsonObject next)
    {
        if (!stored.IsBeingDeleted())
        {
            return;
        }

        var added = next.Finalizers().Except(stored.Finalizers()).ToList();
        if (added.Count > 0)
        {
            throw ApiStatusException.Invalid(key.Type, key.Name, "metadata.finalizers",
                $"Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers [\"{string.Join("\" \"", added)}\"]");
        }
    }

    private static void SetNamespace(ResourceType type, string? pathNamespace, JsonObject body)
    {
        if (!type.IsNamespaced)
        {
            body.Metadata().Remove("namespace");
            return;
        }

        if (body.Namespace() is { Length: > 0 } ns && ns != pathNamespace)
        {
            throw ApiStatusException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        body.SetMetadata("namespace", pathNamespace);
    }

    // The apiserver's alphabet for generateName suffixes: no vowels (no words) and no look-alike characters.
    private static string RandomSuffix() =>
        string.Concat(Enumerable.Range(0, 5).Select(_ => "bcdfghjklmnpqrstvwxz2456789"[Random.Shared.Next(27)]));
}
