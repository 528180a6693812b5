using Parley.Router.Backends;

namespace Parley.Router.Routing;

/// <summary>The replica for one attempt and why.</summary>
/// <param name="Backend">The replica.</param>
/// <param name="Decision">The metric label.</param>
/// <param name="IsAffinityHit">The replica is the key's home on the ring (not a spill to the next one).</param>
/// <param name="Reason">A phrase for the Debug log.</param>
public sealed record ReplicaChoice(Backend Backend, RouteDecision Decision, bool IsAffinityHit, string Reason);
