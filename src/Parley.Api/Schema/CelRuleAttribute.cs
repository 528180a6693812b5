// A rule across several fields of one object, which the CRD schema carries as an x-kubernetes-validations CEL rule:
// the API server refuses the object with the message (Kubernetes 1.25+). Validation.cs checks the same rule in C# for
// clusters whose CRD is older, so each rule is written twice, next to each other where they are declared.
namespace Parley.Api.Schema;

/// <summary>A CEL rule on the object type it decorates, and the message shown when it fails.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class CelRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;

    public string Message { get; } = message;
}
