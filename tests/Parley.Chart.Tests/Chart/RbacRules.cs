// Kubernetes RBAC's matching, enough to ask "would the API server allow this request?" of the chart's rules: a request
// path and method become (apiGroup, resource[/subresource], verb, name), as the API server's request-info resolver does.
using k8s.Models;
using Parley.LocalCluster.Api;

namespace Parley.Chart.Tests.Chart;

/// <summary>One API request in RBAC terms. <see cref="Namespace"/> is null for cluster-scoped and all-namespace requests.</summary>
internal sealed record RbacRequest(string Group, string Resource, string Verb, string? Namespace, string? Name)
{
    public override string ToString() => $"{Verb} {(Group.Length == 0 ? "core" : Group)}/{Resource}{(Name is null ? "" : " " + Name)}{(Namespace is null ? "" : " in " + Namespace)}";

    /// <summary>Resolves a logged request; paths that are not resource requests (discovery, /version) give null.</summary>
    public static RbacRequest? From(RequestRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var parts = record.Path.Trim('/').Split('/');
        // /api/v1/... is the core group; /apis/{group}/{version}/... the others.
        var (group, rest) = parts switch
        {
            ["api", _, .. var tail] => ("", tail),
            ["apis", var g, _, .. var tail] => (g, tail),
            _ => ("", Array.Empty<string>()),
        };
        if (rest.Length == 0)
        {
            return null;
        }

        string? ns = null;
        if (rest is ["namespaces", var n, _, ..])
        {
            (ns, rest) = (n, rest[2..]);
        }

        var resource = rest.Length > 2 ? $"{rest[0]}/{rest[2]}" : rest[0];
        var name = rest.Length > 1 ? rest[1] : null;
        var verb = (record.Method, name) switch
        {
            ("GET", null) => record.IsWatch ? "watch" : "list",
            ("GET", _) => "get",
            ("POST", _) => "create",
            ("PUT", _) => "update",
            ("PATCH", _) => "patch",
            ("DELETE", null) => "deletecollection",
            ("DELETE", _) => "delete",
            _ => record.Method.ToLowerInvariant(),
        };
        return new RbacRequest(group, resource, verb, ns, name);
    }
}

internal static class RbacRules
{
    /// <summary>Whether any rule allows the request (RBAC is additive: one matching rule suffices).</summary>
    public static bool Allows(IEnumerable<V1PolicyRule> rules, RbacRequest request) =>
        rules.Any(rule => Matches(rule.ApiGroups, request.Group)
            && Matches(rule.Resources, request.Resource)
            && Matches(rule.Verbs, request.Verb)
            && (rule.ResourceNames is null || rule.ResourceNames.Count == 0 || (request.Name is not null && rule.ResourceNames.Contains(request.Name))));

    private static bool Matches(IList<string>? allowed, string value) => allowed is not null && (allowed.Contains("*") || allowed.Contains(value));
}
