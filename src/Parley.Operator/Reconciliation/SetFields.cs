// Does an object in the cluster still hold what Parley set on it? Only the fields Parley sets are compared (the
// desired object's paths, arrays element by element), so values the API server defaults or other controllers add do
// not count as drift, while a hand edit of a field Parley owns does and is reverted.
using System.Text.Json.Nodes;

namespace Parley.Operator.Reconciliation;

/// <summary>Compares an existing object with a desired one on the desired object's fields.</summary>
public static class SetFields
{
    private static readonly string[] OwnedMetadata = ["labels", "annotations", "ownerReferences"];

    /// <summary>Whether every field of <paramref name="desired"/> has the same value in <paramref name="existing"/>.</summary>
    public static bool Match(JsonObject existing, JsonObject desired)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(desired);
        foreach (var (field, value) in desired)
        {
            if (field == "metadata")
            {
                if (!OwnedMetadata.All(key => Contains(existing["metadata"]?[key], value?[key])))
                {
                    return false;
                }
            }
            else if (field is not ("status" or "apiVersion" or "kind") && !Contains(existing[field], value))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Contains(JsonNode? existing, JsonNode? desired) => desired switch
    {
        null => true,
        JsonObject wanted => existing is JsonObject have && wanted.All(pair => pair.Value is null || Contains(have[pair.Key], pair.Value)),
        JsonArray wanted => existing is JsonArray have && have.Count == wanted.Count && wanted.Select((item, i) => Contains(have[i], item)).All(match => match),
        _ => existing is not null && JsonNode.DeepEquals(existing, desired),
    };
}
