// Finds the deepest field of a JSON document that its C# type cannot read, by decoding the document part by part, so a
// decode error says "spec.worker.resources.limits.cpu" rather than only that the whole object failed.
using System.Collections;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;

using Parley.Api.Schema;

namespace Parley.Operator.Runtime;

/// <summary>Locates the field that fails to decode.</summary>
public static class FieldLocator
{
    private const int ValueExcerptLength = 60;

    // KubernetesJson decodes only by type argument; its converters (quantities, int-or-string, dates) must be the ones used.
    private static readonly MethodInfo DeserializeMethod = typeof(KubernetesJson).GetMethods()
        .Single(m => m.Name == nameof(KubernetesJson.Deserialize) && m.GetParameters()[0].ParameterType == typeof(string));

    /// <summary>"path: value and why it cannot be read" for the deepest failing field, or null when everything decodes.</summary>
    public static string? Locate(JsonElement json, Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Locate(json, type, "");
    }

    private static string? Locate(JsonElement json, Type type, string path)
    {
        if (Decodes(json, type) is not { } error)
        {
            return null;
        }

        var deeper = json.ValueKind switch
        {
            JsonValueKind.Object when CollectionShapes.DictionaryValueType(type) is { } valueType =>
                json.EnumerateObject().Select(p => Locate(p.Value, valueType, Join(path, p.Name))).FirstOrDefault(found => found is not null),
            JsonValueKind.Object when CollectionShapes.ListItemType(type) is null && !IsScalar(type) =>
                json.EnumerateObject().Select(p => Property(type, p.Name) is { } property
                    ? Locate(p.Value, property.PropertyType, Join(path, p.Name))
                    : null).FirstOrDefault(found => found is not null),
            JsonValueKind.Array when CollectionShapes.ListItemType(type) is { } itemType =>
                json.EnumerateArray().Select((item, i) => Locate(item, itemType, $"{path}[{i}]")).FirstOrDefault(found => found is not null),
            _ => null,
        };
        return deeper ?? $"{(path.Length == 0 ? "(the object)" : path)}: {Excerpt(json)} cannot be read as {Describe(type)} ({error})";
    }

    private static string? Decodes(JsonElement json, Type type)
    {
        try
        {
            try
            {
                // Written back too: a quantity is parsed only when it is written, and the operator writes what it reads.
                var value = DeserializeMethod.MakeGenericMethod(type).Invoke(null, [json.GetRawText(), null]);
                _ = value is null ? "" : KubernetesJson.Serialize(value);
                return null;
            }
            catch (TargetInvocationException wrapped) when (wrapped.InnerException is { } inner)
            {
                ExceptionDispatchInfo.Throw(inner);
                throw;
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException or OverflowException or NotSupportedException)
        {
            // System.Text.Json appends its own path and position; the locator's path is the one that helps a person.
            var message = e.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            return cut > 0 ? message[..cut] : message;
        }
    }

    private static PropertyInfo? Property(Type type, string jsonName) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p =>
            (p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name)) == jsonName);

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Excerpt(JsonElement json)
    {
        var raw = json.GetRawText();
        return raw.Length <= ValueExcerptLength ? raw : raw[..ValueExcerptLength] + "…";
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return CollectionShapes.ListItemType(type) is { } item ? $"a list of {Describe(item)}"
            : CollectionShapes.DictionaryValueType(type) is { } value ? $"a map of {Describe(value)}"
            : type.Name switch
            {
                "ResourceQuantity" => "a quantity (such as 500m or 2Gi)",
                "IntOrString" => "an integer or string",
                "String" => "a string",
                "Int32" or "Int64" => "an integer",
                "Double" => "a number",
                "Boolean" => "true or false",
                var name when IsScalar(type) => name,
                var name => $"an object ({name})",
            };
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime)
            || type == typeof(DateTimeOffset) || type.Name is "ResourceQuantity" or "IntOrString";
    }
}
