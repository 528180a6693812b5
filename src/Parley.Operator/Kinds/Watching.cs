namespace Parley.Operator.Kinds;

/// <summary>Whether the operator keeps an informer on a kind.</summary>
public enum Watching
{
    /// <summary>Never: objects are read from the API by name.</summary>
    Never,

    /// <summary>Always, by the owned-object label.</summary>
    Always,

    /// <summary>When the kind's CustomResourceDefinition is installed: a watch of a kind the server does not serve
    /// would fail and relist forever, and the caches would never report synced.</summary>
    WhenInstalled,
}

/// <summary>Where the reconciler reads a kind's objects from.</summary>
public enum ReadSource
{
    /// <summary>From the API server, one request per read.</summary>
    Api,

    /// <summary>From the informer's cache, as controller-runtime's client does; a write against a stale cache gets 409
    /// and the reconcile is tried again.</summary>
    Cache,
}
