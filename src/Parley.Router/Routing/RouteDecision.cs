// Why a replica was chosen: the label of parley_router_requests_total{decision} and the reason in the Debug log line.
namespace Parley.Router.Routing;

/// <summary>The reason behind a choice of replica.</summary>
public enum RouteDecision
{
    /// <summary>The key's place on the hash ring, or the next replica clockwise when that one was over the bound.</summary>
    Affinity,

    /// <summary>Every replica on the ring was over the bound (or excluded): the least-loaded one instead.</summary>
    Fallback,

    /// <summary>The request carries no routing key (no body, or one that is not a chat or completion).</summary>
    LeastLoaded,

    RoundRobin,

    /// <summary>The request waited for a replica (metrics only: after the wait it is routed like any other).</summary>
    Held,
}

/// <summary>Metric label values.</summary>
public static class RouteDecisionLabels
{
    public static string Label(this RouteDecision decision) => decision switch
    {
        RouteDecision.Affinity => "affinity",
        RouteDecision.Fallback => "fallback",
        RouteDecision.LeastLoaded => "least_loaded",
        RouteDecision.RoundRobin => "round_robin",
        RouteDecision.Held => "held",
        _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, null),
    };
}
