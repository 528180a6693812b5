// fieldSelector query parameters: comma-separated path=value, path==value or path!=value on dotted JSON paths
// (metadata.name, metadata.namespace, spec.nodeName, ...). A real server allows only a few paths per kind; any is allowed here.
using System.Text.Json.Nodes;

namespace Parley.LocalCluster.Api;

/// <summary>A parsed field selector.</summary>
public sealed class FieldSelector
{
    private readonly IReadOnlyList<(string[] Path, string Value, bool IsEqual)> _requirements;

    private FieldSelector(IReadOnlyList<(string[] Path, string Value, bool IsEqual)> requirements) => _requirements = requirements;

    /// <exception cref="ApiStatusException">400 BadRequest for a requirement without an operator.</exception>
    public static FieldSelector Parse(string? selector)
    {
        var requirements = new List<(string[], string, bool)>();
        foreach (var requirement in (selector ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var notEqual = requirement.IndexOf("!=", StringComparison.Ordinal);
            var equal = requirement.IndexOf('=', StringComparison.Ordinal);
            if (equal <= 0)
            {
                throw ApiStatusException.BadRequest($"invalid selector: '{selector}'; can't understand '{requirement}'");
            }

            var (at, length) = notEqual > 0 ? (notEqual, 2) : requirement[(equal + 1)..].StartsWith('=') ? (equal, 2) : (equal, 1);
            requirements.Add((requirement[..at].Split('.'), requirement[(at + length)..], notEqual < 0));
        }

        return new FieldSelector(requirements);
    }

    public bool Matches(JsonObject obj) => _requirements.All(r => (Lookup(obj, r.Path) == r.Value) == r.IsEqual);

    private static string Lookup(JsonObject obj, string[] path)
    {
        JsonNode? node = obj;
        foreach (var segment in path)
        {
            node = node is JsonObject o ? o[segment] : null;
        }

        return node switch
        {
            null => "",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => node.ToJsonString(),
        };
    }
}
