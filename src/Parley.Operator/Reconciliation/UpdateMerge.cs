// How a desired object is laid over the one in the cluster for an update: what Parley sets replaces what is there;
// what other controllers and the API server set is kept (annotations and labels of others, replicas an autoscaler
// owns when the spec leaves them unset, a Service's allocated cluster IPs and node ports, a claim's bound volume).
using System.Text.Json.Nodes;

namespace Parley.Operator.Reconciliation;

/// <summary>Merges a desired object into the existing one, at the JSON level, for a replace.</summary>
public static class UpdateMerge
{
    private static readonly string[] ServiceAllocatedFields = ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "healthCheckNodePort"];

    /// <summary>Returns the object to PUT: the existing object (keeping its resourceVersion) with Parley's fields replaced.</summary>
    public static JsonObject Merge(JsonObject existing, JsonObject desired, string kind)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(desired);
        var result = existing.DeepClone().AsObject();
        result.Remove("status");
        foreach (var (field, value) in desired)
        {
            if (field is "metadata" or "status" or "apiVersion" or "kind")
            {
                continue;
            }

            result[field] = value?.DeepClone();
        }

        MergeMetadata(result["metadata"]!.AsObject(), desired["metadata"]!.AsObject());
        KeepWhatOthersOwn(existing, result, kind);
        return result;
    }

    private static void MergeMetadata(JsonObject target, JsonObject desired)
    {
        foreach (var map in new[] { "labels", "annotations" })
        {
            if (desired[map] is not JsonObject wanted)
            {
                continue;
            }

            var merged = target[map] as JsonObject ?? new JsonObject();
            foreach (var (key, value) in wanted)
            {
                merged[key] = value?.DeepClone();
            }

            target[map] = merged;
        }

        if (desired["ownerReferences"] is JsonArray owners)
        {
            target["ownerReferences"] = owners.DeepClone();
        }
    }

    private static void KeepWhatOthersOwn(JsonObject existing, JsonObject result, string kind)
    {
        var existingSpec = existing["spec"] as JsonObject;
        var spec = result["spec"] as JsonObject;
        if (existingSpec is null || spec is null)
        {
            return;
        }

        switch (kind)
        {
            case "Deployment" when spec["replicas"] is null && existingSpec["replicas"] is { } replicas:
                spec["replicas"] = replicas.DeepClone();
                break;
            case "Service":
                KeepServiceAllocations(existingSpec, spec);
                break;
            case "PersistentVolumeClaim":
                // Only the storage request of a bound claim may change (and only grow); the rest is immutable.
                var storage = spec["resources"]?["requests"]?["storage"]?.DeepClone();
                result["spec"] = existingSpec.DeepClone();
                if (storage is not null && result["spec"]!["resources"]?["requests"] is JsonObject requests)
                {
                    requests["storage"] = storage;
                }

                break;
        }
    }

    private static void KeepServiceAllocations(JsonObject existingSpec, JsonObject spec)
    {
        foreach (var field in ServiceAllocatedFields)
        {
            if (spec[field] is null && existingSpec[field] is { } allocated)
            {
                spec[field] = allocated.DeepClone();
            }
        }

        if (spec["ports"] is JsonArray ports && existingSpec["ports"] is JsonArray existingPorts)
        {
            foreach (var port in ports.OfType<JsonObject>())
            {
                var match = existingPorts.OfType<JsonObject>().FirstOrDefault(p => p["name"]?.ToJsonString() == port["name"]?.ToJsonString());
                if (port["nodePort"] is null && match?["nodePort"] is { } nodePort)
                {
                    port["nodePort"] = nodePort.DeepClone();
                }
            }
        }
    }
}
