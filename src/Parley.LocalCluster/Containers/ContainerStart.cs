// A runner's answer: a running process, or a container this machine deliberately leaves alone (Open WebUI needs a
// container image; the pod is shown as not running rather than pretended).
namespace Parley.LocalCluster.Containers;

/// <summary>The result of <see cref="IContainerRunner.Start"/>: exactly one of <see cref="Running"/> and <see cref="NotRunReason"/> is set.</summary>
public sealed record ContainerStart
{
    private ContainerStart(IRunningContainer? running, string? notRunReason) => (Running, NotRunReason) = (running, notRunReason);

    public IRunningContainer? Running { get; }

    /// <summary>Why the container is not run here, as a sentence for the pod's waiting message.</summary>
    public string? NotRunReason { get; }

    public static ContainerStart Started(IRunningContainer running) => new(running ?? throw new ArgumentNullException(nameof(running)), null);

    public static ContainerStart NotRun(string reason) => new(null, reason);
}

/// <summary>A container that should run but cannot be started.</summary>
public sealed class ContainerStartException(string message) : Exception(message);
