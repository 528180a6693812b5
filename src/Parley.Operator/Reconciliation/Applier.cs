// Compare-then-write: an owned object is created when missing, replaced when a field Parley sets differs (a new
// desired state changes the spec-hash annotation; a hand edit changes the field itself), and left alone otherwise, so a
// reconcile of an unchanged ChatDeployment writes nothing. Every outcome is logged and counted (ApplyLog).
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Parley.Api.Serialization;
using Parley.Operator.Resources;

namespace Parley.Operator.Reconciliation;

/// <summary>One object's apply result.</summary>
public sealed record AppliedObject(string Kind, string Name, ApplyOutcome Outcome, IKubernetesObject<V1ObjectMeta>? Current);

/// <summary>Applies desired objects, reading what exists through <see cref="OwnedReader"/> (the informer caches).</summary>
public sealed class Applier(OwnedReader reader, ApplyLog log)
{
    // The spec hash of the desired object each cached object was last found to match (or was written from). A cached
    // object is replaced, not changed, when it changes, so the same instance with the same desired hash matches again
    // without building and comparing two JSON trees: most reconciles find everything unchanged. Weak keys: an entry
    // goes with the cache's object.
    private readonly ConditionalWeakTable<object, string> _matched = new();

    /// <summary>Creates, updates or leaves one object; returns the object as the cluster now has it.</summary>
    public async Task<AppliedObject> ApplyAsync<T>(T desired, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(desired);
        var ns = desired.Metadata.NamespaceProperty;
        var name = desired.Metadata.Name;
        var existing = await reader.GetAsync<T>(ns, name, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            // A cache that has not seen an existing object yet makes this a 409 AlreadyExists; the reconciler requeues.
            var created = await reader.Api.CreateAsync(desired, cancellationToken).ConfigureAwait(false);
            reader.Wrote(created);
            Remember(created, SpecHashOf(desired));
            return log.Record(new AppliedObject(desired.Kind, name, ApplyOutcome.Created, created));
        }

        var desiredHash = SpecHashOf(desired);
        if (desiredHash is not null && _matched.TryGetValue(existing, out var matchedHash) && matchedHash == desiredHash)
        {
            return log.Record(new AppliedObject(desired.Kind, name, ApplyOutcome.Unchanged, existing));
        }

        var existingJson = Manifests.ToJson(existing).AsObject();
        var desiredJson = Manifests.ToJson(desired).AsObject();
        if (SetFields.Match(existingJson, desiredJson))
        {
            Remember(existing, desiredHash);
            return log.Record(new AppliedObject(desired.Kind, name, ApplyOutcome.Unchanged, existing));
        }

        var merged = UpdateMerge.Merge(existingJson, desiredJson, desired.Kind);
        var updated = await reader.Api.ReplaceAsync(Manifests.FromJson<T>(merged), cancellationToken).ConfigureAwait(false);
        reader.Wrote(updated);
        Remember(updated, desiredHash);
        return log.Record(new AppliedObject(desired.Kind, name, ApplyOutcome.Updated, updated));
    }

    /// <summary>Deletes an object this ChatDeployment controls and no longer wants; objects it does not control are kept.</summary>
    public async Task<AppliedObject> DeleteIfOwnedAsync<T>(string ns, string name, string ownerUid, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var existing = await reader.GetAsync<T>(ns, name, cancellationToken).ConfigureAwait(false);
        if (existing?.Metadata.OwnerReferences?.Any(owner => owner.Controller == true && owner.Uid == ownerUid) != true)
        {
            // Absent or someone else's: nothing was applied, so nothing is logged.
            return new AppliedObject(typeof(T).Name, name, ApplyOutcome.Unchanged, existing);
        }

        await reader.Api.DeleteAsync<T>(ns, name, cancellationToken).ConfigureAwait(false);
        reader.Deleted(existing);
        return log.Record(new AppliedObject(existing.Kind, name, ApplyOutcome.Deleted, null));
    }

    private static string? SpecHashOf(IKubernetesObject<V1ObjectMeta> obj) =>
        obj.Metadata.Annotations is { } annotations && annotations.TryGetValue(Ownership.SpecHashAnnotation, out var hash) ? hash : null;

    private void Remember(object current, string? desiredHash)
    {
        if (desiredHash is not null)
        {
            _matched.AddOrUpdate(current, desiredHash);
        }
    }
}
