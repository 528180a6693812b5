// The resources the fake API server knows. Anything else answers 404, as an API server without the CRD would.
using System.Reflection;
using k8s.Models;

namespace Parley.Testing.FakeKubernetes;

/// <summary>The registered resources, looked up by path segments, by <c>plural[.group]</c> or by a KubernetesClient model type.</summary>
/// <remarks>Thread-safe; tests may register more resources while the server runs.</remarks>
public sealed class ResourceTable
{
    /// <summary>The resources an operator like Parley touches, served from the start.</summary>
    public static IReadOnlyList<ResourceType> Defaults { get; } =
    [
        new("", "v1", "nodes", "Node", IsNamespaced: false, HasStatusSubresource: true),
        new("", "v1", "pods", "Pod", IsNamespaced: true, HasStatusSubresource: true, ReturnsDeletedObject: true),
        new("", "v1", "services", "Service", IsNamespaced: true, HasStatusSubresource: true, ReturnsDeletedObject: true),
        new("", "v1", "secrets", "Secret", IsNamespaced: true),
        new("", "v1", "configmaps", "ConfigMap", IsNamespaced: true),
        new("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", IsNamespaced: true, HasStatusSubresource: true, ReturnsDeletedObject: true),
        new("", "v1", "events", "Event", IsNamespaced: true),
        new("", "v1", "serviceaccounts", "ServiceAccount", IsNamespaced: true),
        new("rbac.authorization.k8s.io", "v1", "roles", "Role", IsNamespaced: true),
        new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", IsNamespaced: true),
        new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", IsNamespaced: true),
        new("apps", "v1", "deployments", "Deployment", IsNamespaced: true, HasStatusSubresource: true),
        new("coordination.k8s.io", "v1", "leases", "Lease", IsNamespaced: true),
        new("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", IsNamespaced: true),
        new("networking.k8s.io", "v1", "ingresses", "Ingress", IsNamespaced: true, HasStatusSubresource: true),
        new("events.k8s.io", "v1", "events", "Event", IsNamespaced: true),
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", IsNamespaced: false, HasStatusSubresource: true),
        new("parley.dev", "v1alpha1", "chatdeployments", "ChatDeployment", IsNamespaced: true, HasStatusSubresource: true, ReturnsDeletedObject: true),
        new("monitoring.coreos.com", "v1", "servicemonitors", "ServiceMonitor", IsNamespaced: true, ReturnsDeletedObject: true),
    ];

    private readonly Lock _gate = new();
    private readonly List<ResourceType> _types = [.. Defaults];

    /// <summary>A snapshot of every registered resource.</summary>
    public IReadOnlyList<ResourceType> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _types];
            }
        }
    }

    /// <summary>Adds a resource, or replaces the one with the same group, version and plural.</summary>
    public void Register(ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (_gate)
        {
            _types.RemoveAll(t => t.Group == type.Group && t.Version == type.Version && t.Plural == type.Plural);
            _types.Add(type);
        }
    }

    /// <summary>The resource served at <c>group/version/plural</c>, or null.</summary>
    public ResourceType? Find(string group, string version, string plural)
    {
        lock (_gate)
        {
            return _types.Find(t => t.Group == group && t.Version == version && t.Plural == plural);
        }
    }

    /// <summary>The resource whose objects carry <paramref name="apiVersion"/> and <paramref name="kind"/>, or null.</summary>
    public ResourceType? FindByKind(string apiVersion, string kind)
    {
        lock (_gate)
        {
            return _types.Find(t => t.ApiVersion == apiVersion && t.Kind == kind);
        }
    }

    /// <summary>Resolves <c>plural</c> or <c>plural.group</c> the way kubectl does: a bare plural prefers the core group.</summary>
    /// <exception cref="ArgumentException">No resource, or several outside the core group, match.</exception>
    public ResourceType Resolve(string resource)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        lock (_gate)
        {
            var qualified = _types.Where(t => t.GroupResource == resource).ToList();
            var matches = qualified.Count > 0 ? qualified : _types.Where(t => t.Plural == resource).ToList();
            if (matches.Count > 1)
            {
                matches = matches.Where(t => t.Group.Length == 0).ToList();
            }

            return matches.Count == 1
                ? matches[0]
                : throw new ArgumentException($"'{resource}' names {(matches.Count == 0 ? "no" : "more than one")} registered resource; use plural.group.", nameof(resource));
        }
    }

    /// <summary>The resource of a KubernetesClient model type, from its <see cref="KubernetesEntityAttribute"/>.</summary>
    public ResourceType Resolve(Type modelType)
    {
        ArgumentNullException.ThrowIfNull(modelType);
        var entity = modelType.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{modelType.Name} has no [KubernetesEntity] attribute.", nameof(modelType));
        return Find(entity.Group ?? "", entity.ApiVersion, entity.PluralName)
            ?? throw new ArgumentException($"{entity.PluralName}.{entity.Group}/{entity.ApiVersion} is not registered.", nameof(modelType));
    }
}
