// Validates manifests against the generated CRD schema with a real JSON Schema validator (JsonSchema.Net), the way
// `kubectl apply` with server-side strict field validation would: unknown fields are errors.
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Parley.Api.Schema;
using Parley.Api.Serialization;

namespace Parley.Testing;

/// <summary>The generated ChatDeployment CRD schema as a strict JSON Schema validator, for tests of what the API server would admit.</summary>
public static class CrdSchemaValidator
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(StrictSchema().ToJsonString()));

    /// <summary>
    /// The openAPIV3Schema of the generated CRD as JSON Schema: additionalProperties false on every object that does not
    /// preserve unknown fields, and Kubernetes' x-kubernetes-* extensions removed once their meaning is expressed
    /// (int-or-string is already an anyOf of integer and string).
    /// </summary>
    public static JsonNode StrictSchema()
    {
        var crd = Manifests.ToJson(CrdGenerator.Generate());
        var schema = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.DeepClone();
        Close(schema);
        return schema;
    }

    /// <summary>Every error as "instance location: message"; empty when the manifest is valid.</summary>
    public static IReadOnlyList<string> Errors(JsonNode manifest)
    {
        using var document = JsonDocument.Parse(manifest.ToJsonString());
        var results = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        return (results.Details ?? [])
            .Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation}: {error.Key}: {error.Value}"))
            .ToList();
    }

    public static IReadOnlyList<string> Errors(string yaml) => Errors(YamlJson.ParseDocuments(yaml).Single());

    private static void Close(JsonNode? node)
    {
        if (node is not JsonObject schema)
        {
            return;
        }

        var preservesUnknownFields = schema["x-kubernetes-preserve-unknown-fields"] is not null;
        foreach (var extension in schema.Select(pair => pair.Key).Where(key => key.StartsWith("x-kubernetes-", StringComparison.Ordinal)).ToList())
        {
            schema.Remove(extension);
        }

        if (schema["properties"] is JsonObject properties && !preservesUnknownFields)
        {
            schema["additionalProperties"] = false;
            foreach (var (_, property) in properties)
            {
                Close(property);
            }
        }

        Close(schema["items"]);
        foreach (var alternative in schema["anyOf"]?.AsArray() ?? [])
        {
            Close(alternative);
        }

        if (schema["additionalProperties"] is JsonObject valueSchema)
        {
            Close(valueSchema);
        }
    }
}
