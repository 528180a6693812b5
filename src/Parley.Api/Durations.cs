// Durations in the spec are written as Kubernetes writes them (Go's time.ParseDuration without signs or units below
// a millisecond): 30s, 5m, 1h30m, 1.5h. One spelling for every duration field, checked by the schema's pattern and
// parsed here; the router flags take whole seconds, so the operator converts.
using System.Globalization;
using System.Text.RegularExpressions;

namespace Parley.Api;

/// <summary>Parses the duration strings of the ChatDeployment spec.</summary>
public static partial class Durations
{
    /// <summary>One or more number-and-unit pairs, units ms, s, m or h.</summary>
    public const string Pattern = @"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$";

    /// <summary>Parses <paramref name="text"/> (e.g. <c>1h30m</c>); false when it does not match <see cref="Pattern"/>.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        // .NET's '$' also matches before a final newline; the API server's pattern does not, so neither does this.
        if (text is null || text.EndsWith('\n') || !WholeRegex().IsMatch(text))
        {
            return false;
        }

        foreach (Match part in PartRegex().Matches(text))
        {
            var number = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            duration += part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                _ => TimeSpan.FromHours(number),
            };
        }

        return true;
    }

    /// <summary>Parses a value validation has accepted; <paramref name="fallback"/> when it is unset.</summary>
    public static TimeSpan Of(string? text, TimeSpan fallback) => TryParse(text, out var duration) ? duration : fallback;

    /// <summary>Writes a duration the way the spec does: <c>90s</c> as <c>1m30s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1))
        {
            return $"{(int)duration.TotalMilliseconds}ms";
        }

        var text = "";
        if (duration.TotalHours >= 1) text += $"{(int)duration.TotalHours}h";
        if (duration.Minutes > 0) text += $"{duration.Minutes}m";
        if (duration.Seconds > 0 || text.Length == 0) text += $"{duration.Seconds}s";
        return text;
    }

    [GeneratedRegex(Pattern)]
    private static partial Regex WholeRegex();

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)")]
    private static partial Regex PartRegex();
}
