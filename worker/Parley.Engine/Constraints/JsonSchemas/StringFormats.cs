// JSON Schema "format" values as regular expressions of strings that every strict validator accepts: dates only with
// days their month always has (no 29 February), times with an offset as RFC 3339 requires, host names of at most
// three labels so they stay under 253 characters, years from 1000 (.NET dates start at year 1, not 0).
namespace Parley.Engine.Constraints.JsonSchemas;

internal static class StringFormats
{
    private const string Date = @"[1-9]\d{3}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))";
    private const string Time = @"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,6})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)";
    private const string Label = @"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private const string Octet = @"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)";

    private static readonly Dictionary<string, string> Patterns = new()
    {
        ["date"] = Date,
        ["time"] = Time,
        ["date-time"] = $"{Date}T{Time}",
        ["email"] = $@"[A-Za-z0-9_%+-]{{1,32}}(?:\.[A-Za-z0-9_%+-]{{1,16}})?@(?:{Label}\.){{1,2}}[A-Za-z]{{2,24}}",
        ["uuid"] = @"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
        ["ipv4"] = $@"{Octet}(?:\.{Octet}){{3}}",
        ["hostname"] = $@"{Label}(?:\.{Label}){{0,2}}",
    };

    public static IEnumerable<string> Supported => Patterns.Keys;

    public static bool TryGetPattern(string format, out string pattern) => Patterns.TryGetValue(format, out pattern!);
}
