// The DataAnnotations the CRD schema is generated from (ranges, lengths, patterns, required), checked again on the typed
// spec: the API server enforces them only where the installed CRD is current, and the operator must not act on a value
// the schema would have refused.
using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Parley.Api.Spec;

namespace Parley.Api;

/// <summary>Checks a spec against the annotations of its Parley types.</summary>
public static class SchemaRules
{
    /// <summary>Adds an error for each annotated property of <paramref name="value"/> (and what it holds) that breaks its rule.</summary>
    public static void Check(object? value, string path, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null || value.GetType().Namespace != typeof(ChatDeploymentSpec).Namespace)
        {
            return; // Kubernetes' own types are checked by decoding and by the API server when the objects are written.
        }

        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0))
        {
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var propertyPath = $"{path}.{name}";
            var propertyValue = property.GetValue(value);
            if (Broken(property, propertyValue) is { } message)
            {
                errors.Add(new ValidationError(propertyPath, message));
            }

            if (propertyValue is IEnumerable items and not string)
            {
                var i = 0;
                foreach (var item in items)
                {
                    Check(item, $"{propertyPath}[{i++}]", errors);
                }
            }
            else
            {
                Check(propertyValue, propertyPath, errors);
            }
        }
    }

    private static string? Broken(PropertyInfo property, object? value)
    {
        if (value is null)
        {
            return property.GetCustomAttribute<RequiredAttribute>() is not null ? "is required." : null;
        }

        if (property.GetCustomAttribute<RangeAttribute>() is { } range && !range.IsValid(value))
        {
            return $"{Convert.ToString(value, CultureInfo.InvariantCulture)} is out of range: use {range.Minimum} to {range.Maximum}.";
        }

        if (property.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed && !allowed.IsValid(value))
        {
            return $"{Convert.ToString(value, CultureInfo.InvariantCulture)} is not allowed: use one of {string.Join(", ", allowed.Values)}.";
        }

        if (value is ICollection items && property.GetCustomAttribute<MaxLengthAttribute>() is { } maxItems && items.Count > maxItems.Length)
        {
            return $"has {items.Count} items; at most {maxItems.Length} are allowed.";
        }

        if (value is not string text)
        {
            return null;
        }

        if (property.GetCustomAttribute<MaxLengthAttribute>() is { } maxLength && text.Length > maxLength.Length)
        {
            return $"is {text.Length:N0} characters long; at most {maxLength.Length:N0} are allowed.";
        }

        if (property.GetCustomAttribute<MinLengthAttribute>() is { } minLength && text.Length < minLength.Length)
        {
            return $"must have at least {minLength.Length} character{(minLength.Length == 1 ? "" : "s")}.";
        }

        // The attribute matches the whole value, as the API server's pattern does: a trailing newline fails it.
        if (property.GetCustomAttribute<RegularExpressionAttribute>() is { } pattern && !pattern.IsValid(text))
        {
            return $"{Quote(text)} does not match the pattern {pattern.Pattern}.";
        }

        return null;
    }

    /// <summary>The value as JSON would show it, control characters escaped, cut short when long.</summary>
    internal static string Quote(string text)
    {
        var json = JsonSerializer.Serialize(text.Length > 80 ? text[..80] + "…" : text);
        return json;
    }
}
