// Where a kind lives in the API (group, version, plural), read from the [KubernetesEntity] attribute that
// KubernetesClient's model types carry (and Parley's own types declare), so no path is spelled out twice.
using System.Reflection;
using k8s.Models;

namespace Parley.Operator.Kinds;

/// <summary>A kind's group, version, plural and kind name.</summary>
public sealed record ApiResource(string Group, string Version, string Plural, string Kind)
{
    /// <summary><c>v1</c> for the core group, otherwise <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public static ApiResource Of<T>() => Of(typeof(T));

    public static ApiResource Of(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var entity = type.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{type.Name} has no [KubernetesEntity] attribute.", nameof(type));
        return new(entity.Group ?? "", entity.ApiVersion, entity.PluralName, entity.Kind);
    }
}
