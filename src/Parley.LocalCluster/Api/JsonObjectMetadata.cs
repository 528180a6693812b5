// Reads and writes the metadata fields the server's semantics depend on, on objects kept as plain JSON.
using System.Text.Json.Nodes;

namespace Parley.LocalCluster.Api;

/// <summary>Accessors for <c>metadata</c> on a <see cref="JsonObject"/> Kubernetes object.</summary>
public static class JsonObjectMetadata
{
    /// <summary>The <c>metadata</c> object, created when missing.</summary>
    public static JsonObject Metadata(this JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (obj["metadata"] is JsonObject metadata)
        {
            return metadata;
        }

        metadata = [];
        obj["metadata"] = metadata;
        return metadata;
    }

    public static string? MetadataString(this JsonObject obj, string field) =>
        obj.Metadata()[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static string Name(this JsonObject obj) => obj.MetadataString("name") ?? "";

    public static string? Namespace(this JsonObject obj) => obj.MetadataString("namespace");

    public static string Uid(this JsonObject obj) => obj.MetadataString("uid") ?? "";

    public static string? ResourceVersion(this JsonObject obj) => obj.MetadataString("resourceVersion");

    /// <summary>metadata.generation, whether it was parsed from JSON or set as a number; 1 when missing.</summary>
    public static long Generation(this JsonObject obj) =>
        obj.Metadata()["generation"] is JsonValue value
            ? value.TryGetValue<long>(out var number) ? number : value.TryGetValue<int>(out var small) ? small : 1
            : 1;

    public static bool IsBeingDeleted(this JsonObject obj) => obj.MetadataString("deletionTimestamp") is not null;

    /// <summary>The finalizer names; empty when there are none.</summary>
    public static IReadOnlyList<string> Finalizers(this JsonObject obj) =>
        obj.Metadata()["finalizers"] is JsonArray finalizers
            ? finalizers.Select(f => f?.GetValue<string>() ?? "").ToList()
            : [];

    /// <summary>The <c>uid</c> of every owner reference.</summary>
    public static IReadOnlyList<string> OwnerUids(this JsonObject obj) =>
        obj.Metadata()["ownerReferences"] is JsonArray owners
            ? owners.OfType<JsonObject>().Select(o => o["uid"]?.GetValue<string>() ?? "").ToList()
            : [];

    /// <summary>The labels as a dictionary; empty when there are none.</summary>
    public static IReadOnlyDictionary<string, string> Labels(this JsonObject obj) =>
        obj.Metadata()["labels"] is JsonObject labels
            ? labels.ToDictionary(p => p.Key, p => p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : p.Value?.ToJsonString() ?? "")
            : new Dictionary<string, string>();

    public static void SetMetadata(this JsonObject obj, string field, JsonNode? value) => obj.Metadata()[field] = value;
}
