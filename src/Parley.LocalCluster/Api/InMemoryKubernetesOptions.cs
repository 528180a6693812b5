namespace Parley.LocalCluster.Api;

/// <summary>Settings of a <see cref="InMemoryKubernetesApi"/>.</summary>
public sealed class InMemoryKubernetesOptions
{
    /// <summary>How many past events a watch can resume from; older resourceVersions get 410 Expired.</summary>
    public int HistoryLimit { get; set; } = 1000;

    /// <summary>The seed of the fault injector's random sequence.</summary>
    public int FaultSeed { get; set; } = 1;

    /// <summary>How long a hung request waits for its client to give up before the server answers 504.</summary>
    public TimeSpan HangLimit { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock for creationTimestamp and deletionTimestamp.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Resources served besides <see cref="ResourceTable.Defaults"/>.</summary>
    public IList<ResourceType> Resources { get; } = [];
}
