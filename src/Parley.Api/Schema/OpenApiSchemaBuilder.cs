// C# type -> structural OpenAPI v3 schema, the subset Kubernetes accepts in a CRD.
using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Parley.Api.Schema;

/// <summary>
/// Builds a structural schema from public read-write properties: names as KubernetesJson writes them (camelCase or
/// <see cref="JsonPropertyNameAttribute"/>), enums as their JSON spellings, DataAnnotations as minimum, maximum, pattern,
/// enum (AllowedValues), maxItems and required, and the XML documentation as descriptions.
/// </summary>
internal sealed class OpenApiSchemaBuilder(XmlDocumentation docs)
{
    private readonly HashSet<Type> _inProgress = [];

    public V1JSONSchemaProps For(Type type, string? description = null)
    {
        var schema = ForType(Nullable.GetUnderlyingType(type) ?? type);
        schema.Description = description ?? schema.Description;
        return schema;
    }

    private V1JSONSchemaProps ForType(Type type)
    {
        if (type == typeof(string)) return new() { Type = "string" };
        if (type == typeof(bool)) return new() { Type = "boolean" };
        if (type == typeof(int)) return new() { Type = "integer", Format = "int32" };
        if (type == typeof(long)) return new() { Type = "integer", Format = "int64" };
        if (type == typeof(double)) return new() { Type = "number" };
        if (type == typeof(DateTime) || type == typeof(DateTimeOffset)) return new() { Type = "string", Format = "date-time" };
        if (type == typeof(IntOrString)) return IntOrString();
        // A string the quantity parser refuses would be stored, then fail to decode in the operator: refuse it here.
        if (type == typeof(ResourceQuantity)) return IntOrString(Names.KubernetesQuantityPattern);
        if (type.IsEnum) return Enum(type);

        if (CollectionShapes.DictionaryValueType(type) is { } valueType) return new() { Type = "object", AdditionalProperties = For(valueType) };
        if (CollectionShapes.ListItemType(type) is { } itemType) return new() { Type = "array", Items = For(itemType) };
        return Object(type);
    }

    private V1JSONSchemaProps Object(Type type)
    {
        if (!_inProgress.Add(type))
        {
            throw new InvalidOperationException($"{type.Name} refers to itself; structural schemas cannot be recursive.");
        }

        var schema = new V1JSONSchemaProps { Type = "object", Description = docs.Of(type), Properties = new Dictionary<string, V1JSONSchemaProps>() };
        var required = new List<string>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(IsSerialized))
        {
            var name = JsonName(property);
            var propertySchema = For(property.PropertyType, docs.Of(property));
            ApplyAnnotations(property, propertySchema);
            schema.Properties[name] = propertySchema;
            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }

        schema.Required = required.Count > 0 ? required : null;
        var rules = type.GetCustomAttributes<CelRuleAttribute>().Select(rule => new V1ValidationRule { Rule = rule.Rule, Message = rule.Message }).ToList();
        schema.XKubernetesValidations = rules.Count > 0 ? rules : null;
        _inProgress.Remove(type);
        return schema;
    }

    private static void ApplyAnnotations(PropertyInfo property, V1JSONSchemaProps schema)
    {
        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            schema.Minimum = Convert.ToDouble(range.Minimum, System.Globalization.CultureInfo.InvariantCulture);
            schema.Maximum = Convert.ToDouble(range.Maximum, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (property.GetCustomAttribute<RegularExpressionAttribute>() is { } regex)
        {
            schema.Pattern = regex.Pattern;
        }

        if (property.GetCustomAttribute<MinLengthAttribute>() is { } minLength)
        {
            schema.MinLength = minLength.Length;
        }

        // On a list DataAnnotations' MaxLength counts items, which a schema says with maxItems.
        if (property.GetCustomAttribute<MaxLengthAttribute>() is { } maxLength)
        {
            if (schema.Type == "array")
            {
                schema.MaxItems = maxLength.Length;
            }
            else
            {
                schema.MaxLength = maxLength.Length;
            }
        }

        if (property.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed)
        {
            schema.EnumProperty = [.. allowed.Values.Select(value => value!)];
        }
    }

    private V1JSONSchemaProps Enum(Type type) => new()
    {
        Type = "string",
        Description = docs.Of(type),
        EnumProperty = type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(field => (object)(field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? field.Name))
            .ToList(),
    };

    private static V1JSONSchemaProps IntOrString(string? pattern = null) => new()
    {
        XKubernetesIntOrString = true,
        AnyOf = [new V1JSONSchemaProps { Type = "integer" }, new V1JSONSchemaProps { Type = "string" }],
        Pattern = pattern,
    };

    private static bool IsSerialized(PropertyInfo property) =>
        property.CanRead && property.CanWrite && property.GetIndexParameters().Length == 0
        && property.GetCustomAttribute<JsonIgnoreAttribute>() is null;

    internal static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
}
