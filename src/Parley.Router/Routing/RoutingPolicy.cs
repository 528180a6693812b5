namespace Parley.Router.Routing;

/// <summary>How the router picks a replica for a request with a body.</summary>
public enum RoutingPolicy
{
    /// <summary>Consistent hashing of the conversation's prefix with bounded load: turns of one conversation meet their
    /// prefix cache on the same replica.</summary>
    Affinity,

    /// <summary>Each request to the next replica in turn; exists for comparisons.</summary>
    RoundRobin,
}
