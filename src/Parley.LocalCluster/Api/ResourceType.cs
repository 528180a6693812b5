// One row of the fake API server's resource table: what a REST path segment means and how the server treats it.
namespace Parley.LocalCluster.Api;

/// <summary>A resource the fake API server serves, as the real server's discovery document would describe it.</summary>
/// <param name="Group">The API group; empty for the core group served under <c>/api/v1</c>.</param>
/// <param name="Version">The API version, such as <c>v1</c>.</param>
/// <param name="Plural">The lower-case plural used in paths, such as <c>deployments</c>.</param>
/// <param name="Kind">The kind written into objects and lists (<c>Deployment</c>, lists are <c>DeploymentList</c>).</param>
/// <param name="IsNamespaced">Whether objects live in a namespace.</param>
/// <param name="HasStatusSubresource">
/// Whether <c>/status</c> is served: the main resource then ignores <c>status</c> in writes and <c>/status</c> takes only it.
/// </param>
/// <param name="ReturnsDeletedObject">
/// Whether an immediate delete answers with the deleted object (pods, services, claims, custom resources) rather than a
/// <c>Status</c> of success, as the real registry does per resource.
/// </param>
public sealed record ResourceType(
    string Group,
    string Version,
    string Plural,
    string Kind,
    bool IsNamespaced,
    bool HasStatusSubresource = false,
    bool ReturnsDeletedObject = false)
{
    /// <summary><c>v1</c> for the core group, otherwise <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The group-qualified plural used in messages, such as <c>deployments.apps</c>.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The path prefix of the group version: <c>/api/v1</c> or <c>/apis/{group}/{version}</c>.</summary>
    public string PathPrefix => Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";

    /// <summary>Whether the server decodes it into typed Go structs (the core group, <c>apps</c>, <c>*.k8s.io</c>), so that a
    /// malformed quantity fails decoding; custom resources are stored as JSON and checked only by their CRD schema.</summary>
    public bool IsBuiltIn => Group.Length == 0 || !Group.Contains('.', StringComparison.Ordinal) || Group.EndsWith(".k8s.io", StringComparison.Ordinal);

    public override string ToString() => $"{GroupResource}/{Version}";
}
