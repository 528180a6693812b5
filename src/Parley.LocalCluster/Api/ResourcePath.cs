// REST paths of the Kubernetes API: /api/v1/... for the core group, /apis/{group}/{version}/... for the others,
// then [namespaces/{ns}/]{plural}[/{name}[/status]].
namespace Parley.LocalCluster.Api;

/// <summary>What a request path addresses. <see cref="Name"/> is null for a collection.</summary>
internal sealed record ResourcePath(ResourceType Type, string? Namespace, string? Name, string? Subresource)
{
    public bool IsStatus => Subresource == "status";

    public ObjectKey Key => ObjectStore.Key(Type, Namespace, Name ?? "");

    /// <exception cref="ApiStatusException">404 for a path that names no registered resource or subresource.</exception>
    public static ResourcePath Parse(string path, ResourceTable resources)
    {
        var segments = path.Trim('/').Split('/');
        var (group, version, rest) = segments switch
        {
            ["api", var v, .. var r] => ("", v, r),
            ["apis", var g, var v, .. var r] => (g, v, r),
            _ => throw ApiStatusException.UnknownPath(path),
        };

        string? ns = null;
        if (rest is ["namespaces", var n, _, ..])
        {
            ns = n;
            rest = rest[2..];
        }

        if (rest.Length is 0 or > 3 || resources.Find(group, version, rest[0]) is not { } type)
        {
            throw ApiStatusException.UnknownPath(path);
        }

        var name = rest.Length > 1 ? rest[1] : null;
        var subresource = rest.Length > 2 ? rest[2] : null;
        var isScopeRight = type.IsNamespaced ? ns is not null || name is null : ns is null;
        var isSubresourceServed = subresource is null || (subresource == "status" && type.HasStatusSubresource);
        return isScopeRight && isSubresourceServed && name is not ""
            ? new ResourcePath(type, ns, name, subresource)
            : throw ApiStatusException.UnknownPath(path);
    }
}
