// The checks a real API server makes that an operator's builders can get wrong: names, label keys and values
// (metadata.labels, pod template labels, matchLabels, Service selectors), annotation keys, resource quantities, and
// container environment variable names.
// Kind-specific schemas (required fields, enums) are out of scope.
using System.Text.Json.Nodes;

namespace Parley.LocalCluster.Api;

internal static class ObjectValidator
{
    /// <summary>Throws the first problem found: 422 Invalid naming the field, or 400 for an unparseable quantity.</summary>
    public static void Validate(ResourceType type, JsonObject obj)
    {
        var name = obj.Name();
        if (name.Length == 0)
        {
            throw ApiStatusException.Invalid(type, name, "metadata.name", "Required value: name or generateName is required");
        }

        var nameError = type is { Group: "", Kind: "Service" } ? NameRules.Dns1035Label(name) : NameRules.Dns1123Subdomain(name);
        if (nameError is not null)
        {
            throw ApiStatusException.Invalid(type, name, "metadata.name", $"Invalid value: \"{name}\": {nameError}");
        }

        if (obj.Metadata()["annotations"] is JsonObject annotations)
        {
            foreach (var (key, _) in annotations)
            {
                if (NameRules.QualifiedName(key) is { } keyError)
                {
                    throw ApiStatusException.Invalid(type, name, "metadata.annotations", $"Invalid value: \"{key}\": {keyError}");
                }
            }
        }

        Walk(type, name, obj, "");
        if (type is { Group: "", Kind: "Service" } && obj["spec"]?["selector"] is JsonObject selector)
        {
            CheckLabels(type, name, selector, "spec.selector");
        }
    }

    private static void Walk(ResourceType type, string name, JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    var childPath = path.Length == 0 ? key : $"{path}.{key}";
                    if (child is JsonObject map && IsLabelMap(path, key))
                    {
                        CheckLabels(type, name, map, childPath);
                    }
                    else if (child is JsonObject quantities && key is "requests" or "limits" && path.EndsWith("resources", StringComparison.Ordinal)
                        && type.IsBuiltIn)
                    {
                        CheckQuantities(type, name, quantities, childPath);
                    }
                    else if (child is JsonArray env && key == "env" && path.Contains("containers[", StringComparison.Ordinal) && type.IsBuiltIn)
                    {
                        CheckEnvNames(type, name, env, childPath);
                        Walk(type, name, child, childPath);
                    }
                    else
                    {
                        Walk(type, name, child, childPath);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(type, name, array[i], $"{path}[{i}]");
                }

                break;
        }
    }

    private static bool IsLabelMap(string parentPath, string key) =>
        key == "matchLabels" || (key == "labels" && (parentPath == "metadata" || parentPath.EndsWith(".metadata", StringComparison.Ordinal)));

    private static void CheckLabels(ResourceType type, string name, JsonObject labels, string path)
    {
        foreach (var (key, value) in labels)
        {
            if (NameRules.QualifiedName(key) is { } keyError)
            {
                throw ApiStatusException.Invalid(type, name, path, $"Invalid value: \"{key}\": {keyError}");
            }

            var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "";
            if (NameRules.LabelValue(text) is { } valueError)
            {
                throw ApiStatusException.Invalid(type, name, path, $"Invalid value: \"{text}\": {valueError}");
            }
        }
    }

    private static void CheckEnvNames(ResourceType type, string name, JsonArray env, string path)
    {
        for (var i = 0; i < env.Count; i++)
        {
            var text = env[i]?["name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
            if (NameRules.EnvVarName(text) is { } error)
            {
                throw ApiStatusException.Invalid(type, name, $"{path}[{i}].name", $"Invalid value: \"{text}\": {error}");
            }
        }
    }

    private static void CheckQuantities(ResourceType type, string name, JsonObject quantities, string path)
    {
        foreach (var (resource, value) in quantities)
        {
            var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "";
            if (!NameRules.IsQuantity(text))
            {
                // A typed server fails to decode the body before validation runs: 400, not 422.
                throw ApiStatusException.BadRequest(
                    $"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: quantities must match the regular expression " +
                    $"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' ({path}[{resource}]: \"{text}\")");
            }
        }
    }
}
