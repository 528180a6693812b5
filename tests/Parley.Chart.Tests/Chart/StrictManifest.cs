// Strict reading of rendered manifests into KubernetesClient model types. KubernetesJson (System.Text.Json) silently
// drops properties the model lacks, so a misspelled field ("readinesProbe") would parse fine; here every property of
// the input must survive a round trip through the model, or its JSON path is reported.
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Parley.Chart.Tests.Chart;

internal static class StrictManifest
{
    /// <summary>The model type of every apiVersion/kind the chart may render; anything else is an error in itself.</summary>
    public static readonly IReadOnlyDictionary<string, ModelType> Models = new Dictionary<string, ModelType>
    {
        ["apps/v1/Deployment"] = ModelType.Of<V1Deployment>(),
        ["v1/ServiceAccount"] = ModelType.Of<V1ServiceAccount>(),
        ["v1/Service"] = ModelType.Of<V1Service>(),
        ["v1/ConfigMap"] = ModelType.Of<V1ConfigMap>(),
        ["rbac.authorization.k8s.io/v1/ClusterRole"] = ModelType.Of<V1ClusterRole>(),
        ["rbac.authorization.k8s.io/v1/ClusterRoleBinding"] = ModelType.Of<V1ClusterRoleBinding>(),
        ["rbac.authorization.k8s.io/v1/Role"] = ModelType.Of<V1Role>(),
        ["rbac.authorization.k8s.io/v1/RoleBinding"] = ModelType.Of<V1RoleBinding>(),
        ["apiextensions.k8s.io/v1/CustomResourceDefinition"] = ModelType.Of<V1CustomResourceDefinition>(),
        ["monitoring.coreos.com/v1/ServiceMonitor"] = ModelType.Of<ServiceMonitorModel>(),
    };

    /// <summary>The document's model type, or null when the chart should not render that kind.</summary>
    public static ModelType? ModelOf(JsonNode document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var key = $"{document["apiVersion"]?.GetValue<string>()}/{document["kind"]?.GetValue<string>()}";
        return Models.GetValueOrDefault(key);
    }

    /// <summary>Deserializes <paramref name="document"/> as <paramref name="model"/> and returns the JSON paths of
    /// properties the model does not know (empty when every field is a real one).</summary>
    public static IReadOnlyList<string> UnknownFields(JsonNode document, ModelType model)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(model);
        var typed = model.Read(document.ToJsonString());
        var roundTripped = JsonNode.Parse(KubernetesJson.Serialize(typed));
        var unknown = new List<string>();
        Compare(document, roundTripped, "$", unknown);
        return unknown;
    }

    private static void Compare(JsonNode? input, JsonNode? output, string path, List<string> unknown)
    {
        switch (input)
        {
            case JsonObject inputObject:
                // A model that keeps a free-form map (labels, ConfigMap data) keeps every key; a typed object drops unknown ones.
                var outputObject = output as JsonObject;
                foreach (var (name, value) in inputObject)
                {
                    if (outputObject is null || !outputObject.ContainsKey(name))
                    {
                        // An explicit null is dropped by the serializer; that is not a misspelling.
                        if (value is not null)
                        {
                            unknown.Add($"{path}.{name}");
                        }

                        continue;
                    }

                    Compare(value, outputObject[name], $"{path}.{name}", unknown);
                }

                break;
            case JsonArray inputArray:
                var outputArray = output as JsonArray;
                for (var i = 0; i < inputArray.Count; i++)
                {
                    Compare(inputArray[i], outputArray is not null && i < outputArray.Count ? outputArray[i] : null, $"{path}[{i}]", unknown);
                }

                break;
        }
    }
}

/// <summary>A model type and how KubernetesJson reads it (its Deserialize is generic only).</summary>
internal sealed record ModelType(string Name, Func<string, object> Read)
{
    public static ModelType Of<T>() => new(typeof(T).Name, json => KubernetesJson.Deserialize<T>(json)
        ?? throw new InvalidOperationException($"The document deserialized to a null {typeof(T).Name}."));
}
