// What the process runner needs to know about this machine: where the Parley programs are and where the API is.
namespace Parley.LocalCluster.Containers;

/// <summary>Options of <see cref="LocalProgramsRunner"/>.</summary>
public sealed record LocalProgramsOptions
{
    /// <summary>parley-worker, or null when it was not found (worker pods then fail to start with a message).</summary>
    public LocalExecutable? Worker { get; init; } = LocalExecutable.Find(LocalExecutable.Worker);

    /// <summary>parley-router, or null when it was not found (router pods then fail to start with a message).</summary>
    public LocalExecutable? Router { get; init; } = LocalExecutable.Find(LocalExecutable.Router);

    /// <summary>The in-memory API server's URL, given to routers as <c>--kube-api</c>.</summary>
    public required string KubeApiUrl { get; init; }

    /// <summary>Receives each line a container writes, with its pod's name; null keeps only the error tails.</summary>
    public Action<string, string>? Log { get; init; }
}
