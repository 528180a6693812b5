// The worker's last word when the GPU runs out of memory, and how the operator knows it. The worker writes one line to
// its termination message file; Kubernetes copies it into the pod's status (lastState.terminated.message), where the
// operator's step-down reads it and lowers the plan. Both sides use this type, so the line written is the line matched.
namespace Parley.Api.Contracts;

/// <summary>The out-of-memory termination line: its form, where it goes and how it is recognised.</summary>
public static class OutOfMemoryTermination
{
    /// <summary>Where Kubernetes reads a container's termination message by default (<c>terminationMessagePath</c>).</summary>
    public const string KubernetesPath = "/dev/termination-log";

    /// <summary>Kubernetes keeps at most this many bytes of a termination message.</summary>
    public const int MaxBytes = 4096;

    /// <summary>How every such line begins.</summary>
    public const string Prefix = "GPU out of memory";

    /// <summary>The line for an out-of-memory failure during <paramref name="phase"/> (e.g. "loading the model").</summary>
    public static string Line(string phase, string detail, long freeBytes, long totalBytes) =>
        $"{Prefix} while {phase}: {detail} ({freeBytes / (double)(1 << 30):F2} GiB free of {totalBytes / (double)(1 << 30):F2} GiB)";

    /// <summary>Whether a termination message reports GPU memory exhaustion: the worker's line, or the wording of
    /// PyTorch-based servers ("CUDA out of memory") when the worker image is vLLM's.</summary>
    public static bool Matches(string? message) =>
        message is not null
        && (message.TrimStart().StartsWith(Prefix, StringComparison.Ordinal)
            || (message.Contains("out of memory", StringComparison.OrdinalIgnoreCase) && message.Contains("CUDA", StringComparison.OrdinalIgnoreCase)));
}
