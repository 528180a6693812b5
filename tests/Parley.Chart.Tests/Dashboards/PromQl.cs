// The metric names a PromQL expression reads, found lexically: strings, label matchers, ranges and grouping clauses
// are blanked out, then every remaining identifier that is not a function call or a keyword is a metric name.
// Enough for dashboard queries; not a PromQL parser.
using System.Text.RegularExpressions;

namespace Parley.Chart.Tests.Dashboards;

internal static partial class PromQl
{
    private static readonly HashSet<string> Keywords =
        ["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan"];

    public static IReadOnlySet<string> MetricNames(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var text = StringLiteral().Replace(expression, " ");
        text = LabelMatchers().Replace(text, " ");
        text = RangeSelector().Replace(text, " ");
        text = GroupingClause().Replace(text, " ");
        return Identifier().Matches(text).Select(m => m.Value).Where(name => !Keywords.Contains(name)).ToHashSet();
    }

    /// <summary>The metric a Grafana variable query such as <c>label_values(metric{...}, label)</c> reads, if any.</summary>
    public static string? VariableMetric(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var match = LabelValuesMetric().Match(query);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|'(?:[^'\\]|\\.)*'|`[^`]*`")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\[\]]*\]")]
    private static partial Regex RangeSelector();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")]
    private static partial Regex GroupingClause();

    // Not preceded by a name character, a dot or a digit (numbers such as 0.95 or 1e3, durations such as 5m), and not
    // followed by "(" (a function or an aggregation).
    [GeneratedRegex(@"(?<![\w:.$])[a-zA-Z_:][\w:]*(?![\w:])(?!\s*\()")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"label_values\(\s*([a-zA-Z_:][\w:]*)\s*[{,]")]
    private static partial Regex LabelValuesMetric();
}
