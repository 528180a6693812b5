// Reading typed Kubernetes objects out of YAML files, and writing them back, through KubernetesJson.
using System.Text.Json.Nodes;
using k8s;

namespace Parley.Api.Serialization;

/// <summary>Typed access to YAML manifests.</summary>
public static class Manifests
{
    /// <summary>Reads every document of <paramref name="yaml"/> whose <c>kind</c> is <paramref name="kind"/> as a <typeparamref name="T"/>.
    /// A <c>List</c> document contributes its items.</summary>
    public static IReadOnlyList<T> ReadAll<T>(string yaml, string kind)
    {
        var result = new List<T>();
        foreach (var document in YamlJson.ParseDocuments(yaml))
        {
            var documentKind = document["kind"]?.GetValue<string>();
            if (documentKind == kind)
            {
                result.Add(FromJson<T>(document));
            }
            else if (documentKind is "List" || documentKind == kind + "List")
            {
                result.AddRange((document["items"]?.AsArray() ?? []).OfType<JsonNode>()
                    .Where(item => item["kind"]?.GetValue<string>() is null || item["kind"]!.GetValue<string>() == kind)
                    .Select(FromJson<T>));
            }
        }

        return result;
    }

    /// <summary>Converts a JSON node to a typed object with Kubernetes' JSON conventions.</summary>
    public static T FromJson<T>(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return KubernetesJson.Deserialize<T>(node.ToJsonString());
    }

    /// <summary>Converts a typed object to a JSON node with Kubernetes' JSON conventions.</summary>
    public static JsonNode ToJson(object value) =>
        JsonNode.Parse(KubernetesJson.Serialize(value)) ?? throw new InvalidOperationException("Serialized to JSON null.");

    /// <summary>Writes typed objects as a multi-document YAML stream.</summary>
    public static string ToYaml(IEnumerable<object> objects) => YamlJson.Write(objects.Select(ToJson));
}
