namespace Parley.Router.Holding;

/// <summary>How a wait in the hold queue ended.</summary>
public enum HoldOutcome
{
    /// <summary>A replica became ready: route the request.</summary>
    Released,

    /// <summary>No replica became ready within the hold timeout: 503.</summary>
    TimedOut,

    /// <summary>The client left while waiting; nobody is there to answer.</summary>
    Abandoned,
}
