// The syntax rules of k8s.io/apimachinery/pkg/util/validation and resource.Quantity, with the real messages, so a
// test sees the same words an operator would log against a real cluster. Each rule returns null when the value is valid.
using System.Text.RegularExpressions;

namespace Parley.LocalCluster.Api;

internal static partial class NameRules
{
    // DNS-1123 subdomain: object names of most kinds; at most 253 characters.
    private const string Dns1123SubdomainPattern = @"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

    // DNS-1035 label: Service names (they become DNS labels); at most 63 characters.
    private const string Dns1035LabelPattern = "[a-z]([-a-z0-9]*[a-z0-9])?";

    // Label values and the name part of label and annotation keys; at most 63 characters.
    private const string LabelValuePattern = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
    private const string QualifiedNamePattern = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";

    // What resource.ParseQuantity accepts: a signed decimal, then an exponent, a decimal SI or a binary suffix.
    private const string QuantityPattern = @"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[mkMGTPE]|[KMGTPE]i)?$";

    public static string? Dns1123Subdomain(string value) =>
        value.Length > 253 ? "must be no more than 253 characters"
        : Dns1123Subdomain().IsMatch(value) ? null
        : $"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '{Dns1123SubdomainPattern}')";

    public static string? Dns1035Label(string value) =>
        value.Length > 63 ? "must be no more than 63 characters"
        : Dns1035Label().IsMatch(value) ? null
        : $"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '{Dns1035LabelPattern}')";

    public static string? LabelValue(string value) =>
        value.Length > 63 ? "must be no more than 63 characters"
        : LabelValue().IsMatch(value) ? null
        : $"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '{LabelValuePattern}')";

    /// <summary>A label or annotation key: an optional DNS-1123 subdomain prefix and <c>/</c>, then a name of at most 63 characters.</summary>
    public static string? QualifiedName(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? value : value[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = value[..slash];
            if (prefix.Length == 0)
            {
                return "prefix part must be non-empty";
            }

            if (Dns1123Subdomain(prefix) is { } prefixError)
            {
                return "prefix part " + prefixError;
            }
        }

        return name.Length == 0 ? "name part must be non-empty"
            : name.Length > 63 ? "name part must be no more than 63 characters"
            : QualifiedName().IsMatch(name) ? null
            : $"name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '{QualifiedNamePattern}')";
    }

    public static bool IsQuantity(string value) => Quantity().IsMatch(value);

    // A container's environment variable name (IsEnvVarName): no '=' and no leading digit, so the kubelet can export it.
    private const string EnvVarNamePattern = "[-._a-zA-Z][-._a-zA-Z0-9]*";

    public static string? EnvVarName(string value) =>
        EnvVarName().IsMatch(value) ? null
        : $"a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '{EnvVarNamePattern}')";

    [GeneratedRegex($"^{EnvVarNamePattern}\\z")]
    private static partial Regex EnvVarName();

    [GeneratedRegex($"^{Dns1123SubdomainPattern}$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex($"^{Dns1035LabelPattern}$")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex($"^{LabelValuePattern}$")]
    private static partial Regex LabelValue();

    [GeneratedRegex($"^{QualifiedNamePattern}$")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(QuantityPattern)]
    private static partial Regex Quantity();
}
