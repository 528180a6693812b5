// How the kubelet stand-in behaves; the defaults suit `parley-operator dev`, tests shorten the waits.
namespace Parley.LocalCluster.Kubelet;

/// <summary>Options of <see cref="LocalKubelet"/>.</summary>
public sealed record LocalKubeletOptions
{
    /// <summary>The Node every pod is bound to.</summary>
    public string NodeName { get; init; } = LocalNode.DefaultName;

    /// <summary>How often Deployments, Services and pods are compared with the processes (level-based, like a resync).</summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a running container's /health is asked; a 200 makes the pod Ready.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest SIGTERM-to-SIGKILL wait, whatever the pod's terminationGracePeriodSeconds says.</summary>
    public TimeSpan MaxGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The first restart delay after a container exits; it doubles per restart up to <see cref="MaxRestartBackoff"/>.</summary>
    public TimeSpan RestartBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Where pods' ConfigMap and Secret volumes are written, one folder per pod; removed when the kubelet stops.</summary>
    public string VolumeRoot { get; init; } = Path.Combine(Path.GetTempPath(), $"parley-local-{Guid.NewGuid():N}");

    /// <summary>The restart delay cap: a kubelet's is 5 minutes; a local one stays small so a fixed bug shows at once.</summary>
    public TimeSpan MaxRestartBackoff { get; init; } = TimeSpan.FromSeconds(3);
}
