namespace Parley.LocalCluster.Api;

/// <summary>Where an object is stored: its resource, namespace (empty when cluster-scoped) and name.</summary>
internal readonly record struct ObjectKey(ResourceType Type, string Namespace, string Name)
{
    public override string ToString() => Namespace.Length == 0 ? $"{Type.GroupResource}/{Name}" : $"{Type.GroupResource}/{Namespace}/{Name}";
}
