namespace Parley.LocalCluster.Api;

/// <summary>What a fault does to a request.</summary>
public enum FaultAction
{
    /// <summary>Answer with the rule's status code and a Status body.</summary>
    Fail,

    /// <summary>Never answer: wait until the client aborts the request (or the server's hang cap passes, then 504).</summary>
    Hang,
}

/// <summary>One fault: what it does, to which requests, how often.</summary>
/// <param name="RemainingCount">How many more requests it applies to; null for a fractional rule that stays.</param>
public sealed record FaultRule(FaultAction Action, string? Method, string? PathContains, int StatusCode, double Fraction, int? RemainingCount)
{
    public bool Matches(string method, string path, bool isWatch) =>
        (Method is null
            || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase)
            || (isWatch && string.Equals(Method, "WATCH", StringComparison.OrdinalIgnoreCase)))
        && (PathContains is null || path.Contains(PathContains, StringComparison.Ordinal));
}
