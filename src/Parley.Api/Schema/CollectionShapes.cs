// How a .NET type reads as JSON: a map (string-keyed dictionary), a list (any other IEnumerable<T> but string), or
// neither. The CRD schema generator and the operator's field locator must agree on it, so both ask here.
using System.Collections;

namespace Parley.Api.Schema;

/// <summary>The JSON collection shape of a .NET type.</summary>
public static class CollectionShapes
{
    /// <summary>The value type of a string-keyed dictionary (a JSON object of values), or null.</summary>
    public static Type? DictionaryValueType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return GenericInterface(type, typeof(IDictionary<,>)) is { } dictionary && dictionary.GetGenericArguments()[0] == typeof(string)
            ? dictionary.GetGenericArguments()[1]
            : null;
    }

    /// <summary>The item type of a list (a JSON array), or null; strings and dictionaries are not lists.</summary>
    public static Type? ListItemType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) && DictionaryValueType(type) is null
            && GenericInterface(type, typeof(IEnumerable<>)) is { } enumerable
            ? enumerable.GetGenericArguments()[0]
            : null;
    }

    private static Type? GenericInterface(Type type, Type definition) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == definition
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);
}
