// The line a worker leaves in /dev/termination-log when it dies of GPU out-of-memory: Kubernetes copies the file into
// the pod's status (lastState.terminated.message), where the operator reads it and steps the plan down.
using System.Text;

namespace Parley.Engine.Backends.Cuda;

/// <summary>Writes the termination message.</summary>
/// <param name="path">The file Kubernetes reads; tests pass a temporary file.</param>
public sealed class TerminationLog(string path = TerminationLog.KubernetesPath)
{
    public const string KubernetesPath = "/dev/termination-log";

    /// <summary>Prefix the operator's step-down looks for.</summary>
    public const string OutOfMemoryPrefix = "GPU out of memory";

    // Kubernetes keeps at most 4096 bytes of a termination message.
    private const int MaxBytes = 4096;

    public string Path { get; } = path;

    /// <summary>The one line for an out-of-memory failure during <paramref name="phase"/> (e.g. "loading weights").</summary>
    public static string OutOfMemoryLine(string phase, string detail, long freeBytes, long totalBytes) =>
        $"{OutOfMemoryPrefix} while {phase}: {detail} ({freeBytes / (double)(1 << 30):F2} GiB free of {totalBytes / (double)(1 << 30):F2} GiB)";

    /// <summary>Writes <paramref name="message"/> as one line, replacing anything there; returns false when the file cannot be written (not in a pod).</summary>
    public bool Write(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var line = message.ReplaceLineEndings(" ").Trim();
        var bytes = Encoding.UTF8.GetBytes(line);
        if (bytes.Length > MaxBytes - 1)
        {
            line = Encoding.UTF8.GetString(bytes, 0, MaxBytes - 1).TrimEnd('\uFFFD');
        }

        try
        {
            File.WriteAllText(Path, line + "\n");
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or DirectoryNotFoundException)
        {
            return false;
        }
    }
}
