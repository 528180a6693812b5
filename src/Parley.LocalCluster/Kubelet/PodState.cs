// What a local pod's supervisor knows, as one immutable snapshot: the sync loop turns it into the Pod's status and the
// EndpointSlices, so status is rebuilt from the world and written in one place.
namespace Parley.LocalCluster.Kubelet;

/// <summary>A snapshot of one local pod.</summary>
public sealed record PodState
{
    /// <summary>Waiting (not started, backing off, or not run here), Running, or Terminated (stopped for good).</summary>
    public ContainerPhase Phase { get; init; } = ContainerPhase.Waiting;

    /// <summary>Why it waits, in the kubelet's words: ContainerCreating, CrashLoopBackOff, CreateContainerError, NotRunLocally.</summary>
    public string WaitingReason { get; init; } = "ContainerCreating";

    public string? WaitingMessage { get; init; }

    /// <summary>The loopback port of the current process, or null before the first start.</summary>
    public int? Port { get; init; }

    /// <summary>Whether the running process answers /health with 200.</summary>
    public bool IsReady { get; init; }

    /// <summary>Whether the pod is being stopped: its endpoint is terminating and takes no new traffic.</summary>
    public bool IsTerminating { get; init; }

    public int RestartCount { get; init; }

    /// <summary>When the current process was spawned, by the kubelet's clock (UTC, to the microsecond).</summary>
    public DateTime? StartedAt { get; init; }

    /// <summary>When the current process first answered /health with 200, by the kubelet's clock; null while not ready.
    /// The Pod's Ready condition would say it to the second only, too coarse to time a model load.</summary>
    public DateTime? ReadySince { get; init; }

    /// <summary>How the previous process ended, or null when none has.</summary>
    public Termination? LastTermination { get; init; }
}

/// <summary>The state of a pod's container.</summary>
public enum ContainerPhase
{
    Waiting,
    Running,
    Terminated,
}

/// <summary>How a container process ended.</summary>
/// <param name="ExitCode">The process's exit code; 137 for SIGKILL, as a container runtime reports it.</param>
/// <param name="Message">The last lines of its standard error (the kubelet's FallbackToLogsOnError).</param>
/// <param name="Reason">Error, OOMKilled or Completed.</param>
public sealed record Termination(int ExitCode, string Message, string Reason, DateTime StartedAt, DateTime FinishedAt);
