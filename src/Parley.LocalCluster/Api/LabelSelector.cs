// labelSelector query parameters: comma-separated requirements, all of which must hold. Equality forms (a=b, a==b,
// a!=b), existence (a, !a) and the set forms (a in (x,y), a notin (x,y)) of k8s.io/apimachinery/pkg/labels.
using System.Text.Json.Nodes;

namespace Parley.LocalCluster.Api;

/// <summary>A parsed label selector.</summary>
public sealed class LabelSelector
{
    private readonly IReadOnlyList<Func<IReadOnlyDictionary<string, string>, bool>> _requirements;

    private LabelSelector(IReadOnlyList<Func<IReadOnlyDictionary<string, string>, bool>> requirements) => _requirements = requirements;

    /// <summary>Selects everything.</summary>
    public static LabelSelector Everything { get; } = new([]);

    /// <exception cref="ApiStatusException">400 BadRequest for a selector the real server would not parse.</exception>
    public static LabelSelector Parse(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            return Everything;
        }

        return new LabelSelector(SplitRequirements(selector).Select(ParseRequirement).ToList());
    }

    public bool Matches(JsonObject obj) => Matches(obj.Labels());

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(r => r(labels));

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseRequirement(string text)
    {
        var requirement = text.Trim();
        if (requirement.StartsWith('!'))
        {
            var key = Key(requirement[1..], text);
            return labels => !labels.ContainsKey(key);
        }

        if (SetRequirement(requirement, " notin ") is { } notIn)
        {
            return labels => !labels.TryGetValue(notIn.Key, out var v) || !notIn.Values.Contains(v);
        }

        if (SetRequirement(requirement, " in ") is { } inSet)
        {
            return labels => labels.TryGetValue(inSet.Key, out var v) && inSet.Values.Contains(v);
        }

        foreach (var op in new[] { "!=", "==", "=" })
        {
            var at = requirement.IndexOf(op, StringComparison.Ordinal);
            if (at >= 0)
            {
                var key = Key(requirement[..at], text);
                var value = requirement[(at + op.Length)..].Trim();
                if (NameRules.LabelValue(value) is not null)
                {
                    throw ApiStatusException.BadRequest($"unable to parse requirement: invalid label value: \"{value}\"");
                }

                return op == "!="
                    ? labels => !labels.TryGetValue(key, out var v) || v != value
                    : labels => labels.TryGetValue(key, out var v) && v == value;
            }
        }

        var existing = Key(requirement, text);
        return labels => labels.ContainsKey(existing);
    }

    private static (string Key, HashSet<string> Values)? SetRequirement(string requirement, string op)
    {
        var at = requirement.IndexOf(op, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var set = requirement[(at + op.Length)..].Trim();
        if (!set.StartsWith('(') || !set.EndsWith(')'))
        {
            throw ApiStatusException.BadRequest($"unable to parse requirement: expected '(' and ')' around the values of \"{requirement}\"");
        }

        var values = set[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        return (Key(requirement[..at], requirement), values);
    }

    private static string Key(string key, string requirement)
    {
        key = key.Trim();
        return NameRules.QualifiedName(key) is null
            ? key
            : throw ApiStatusException.BadRequest($"unable to parse requirement: invalid label key \"{key}\" in \"{requirement}\"");
    }

    /// <summary>Splits on commas outside parentheses.</summary>
    private static IEnumerable<string> SplitRequirements(string selector)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            depth += selector[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (selector[i] == ',' && depth == 0)
            {
                yield return selector[start..i];
                start = i + 1;
            }
        }

        yield return selector[start..];
    }
}
