// JSON merge patch (RFC 7386). Strategic merge patches are applied with it too: the difference is only in lists
// with merge keys (containers, env, ...), which a strategic patch merges by key and this replaces whole; patches
// that send whole lists, as operators usually do, come out the same.
using System.Text.Json.Nodes;

namespace Parley.LocalCluster.Api;

public static class MergePatch
{
    /// <summary>Returns <paramref name="target"/> with <paramref name="patch"/> applied; neither argument is changed.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? targetObject.DeepClone().AsObject() : [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Apply(result[key], value);
            }
        }

        return result;
    }
}
