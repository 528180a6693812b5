// Patterns Kubernetes enforces on names, label values and quantities, shared by the schema and validation.
namespace Parley.Api;

/// <summary>Kubernetes naming rules as regular expressions.</summary>
public static class Names
{
    /// <summary>RFC 1123 subdomain: lower-case alphanumerics, '-' and '.', at most 253 characters.</summary>
    public const string Dns1123SubdomainPattern = @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /// <summary>A resource quantity such as <c>20Gi</c>, <c>500M</c> or <c>1.5</c>.</summary>
    public const string QuantityPattern = @"^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$";

    /// <summary>Any quantity Kubernetes parses (<c>resource.Quantity</c>), as controller-gen writes it into CRD schemas:
    /// signed decimals with a binary suffix, a decimal SI suffix or an exponent.</summary>
    public const string KubernetesQuantityPattern =
        @"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";

    /// <summary>A DNS host name, optionally with a leading wildcard label.</summary>
    public const string HostPattern = @"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /// <summary>The longest ChatDeployment name that leaves room for the longest suffix of an owned object
    /// (<c>-chat-template</c>) inside the 63 characters a Service name and a label value allow.</summary>
    public const int MaxChatDeploymentNameLength = 63 - 14;
}
