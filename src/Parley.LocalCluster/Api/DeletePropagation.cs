namespace Parley.LocalCluster.Api;

/// <summary>What happens to dependents (objects with an owner reference to the deleted one). Foreground is served as Background.</summary>
public enum DeletePropagation
{
    /// <summary>Dependents are deleted after the owner is gone (the API's default for most kinds).</summary>
    Background,

    /// <summary>Dependents stay; their owner references to the deleted object are removed.</summary>
    Orphan,
}
