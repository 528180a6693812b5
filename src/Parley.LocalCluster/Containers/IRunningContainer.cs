// A started container as the kubelet stand-in sees it: where it listens, how it ended, and a way to stop it the way a
// kubelet does (SIGTERM, a grace period, then SIGKILL).
namespace Parley.LocalCluster.Containers;

/// <summary>One running container process.</summary>
public interface IRunningContainer : IAsyncDisposable
{
    /// <summary>The loopback port it serves HTTP on (the pod's endpoint port).</summary>
    int Port { get; }

    /// <summary>The process id, for tests that kill it as the OOM killer would.</summary>
    int ProcessId { get; }

    /// <summary>Completes with the exit code when the process ends, however it ends.</summary>
    Task<int> Exited { get; }

    /// <summary>The last lines it wrote to standard error: the termination message when it fails.</summary>
    string StandardErrorTail { get; }

    /// <summary>Sends SIGTERM, waits up to <paramref name="gracePeriod"/> for the exit, then kills the process tree.</summary>
    Task StopAsync(TimeSpan gracePeriod);
}
