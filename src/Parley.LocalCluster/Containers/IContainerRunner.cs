// The kubelet stand-in's seam to whatever runs a container: on this machine, a local process per container.
namespace Parley.LocalCluster.Containers;

/// <summary>Starts the process behind one container of a pod.</summary>
public interface IContainerRunner
{
    /// <summary>Starts <paramref name="launch"/>'s container, or says why this machine does not run it.</summary>
    /// <exception cref="ContainerStartException">The container should run but cannot (no executable, bad arguments).</exception>
    ContainerStart Start(ContainerLaunch launch);
}
