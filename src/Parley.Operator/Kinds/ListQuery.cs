namespace Parley.Operator.Kinds;

/// <summary>The arguments of one list or watch request across all namespaces.</summary>
/// <param name="LabelSelector">Which objects; owned kinds are selected by the <c>parley.dev/chat</c> label.</param>
/// <param name="ResourceVersion">Where a watch resumes; null for a list.</param>
/// <param name="TimeoutSeconds">How long the server keeps a watch open; null for a list.</param>
public sealed record ListQuery(string LabelSelector, string? ResourceVersion = null, int? TimeoutSeconds = null);
