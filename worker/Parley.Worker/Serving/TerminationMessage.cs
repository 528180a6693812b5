// The worker's termination message: the one line Kubernetes copies into the pod's status when the container ends,
// where the operator's step-down reads why the worker died (OutOfMemoryTermination is the line both sides agree on).
using System.Text;
using Parley.Api.Contracts;
using Parley.Engine.Backends.Cuda;

namespace Parley.Worker.Serving;

/// <summary>Writes the container's termination message file.</summary>
/// <param name="path">The container's terminationMessagePath; tests pass a temporary file.</param>
public sealed class TerminationMessage(string path = OutOfMemoryTermination.KubernetesPath)
{
    public string Path { get; } = path;

    /// <summary>Reports a GPU out-of-memory death in the form the operator's step-down recognises.</summary>
    public bool Write(GpuOutOfMemoryException outOfMemory)
    {
        ArgumentNullException.ThrowIfNull(outOfMemory);
        return Write(OutOfMemoryTermination.Line(outOfMemory.Phase, outOfMemory.Detail, outOfMemory.FreeBytes, outOfMemory.TotalBytes));
    }

    /// <summary>Writes <paramref name="message"/> as one line, replacing anything there; returns false when the file cannot be written (not in a pod).</summary>
    public bool Write(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var line = message.ReplaceLineEndings(" ").Trim();
        var bytes = Encoding.UTF8.GetBytes(line);
        if (bytes.Length > OutOfMemoryTermination.MaxBytes - 1)
        {
            line = Encoding.UTF8.GetString(bytes, 0, OutOfMemoryTermination.MaxBytes - 1).TrimEnd('\uFFFD');
        }

        try
        {
            File.WriteAllText(Path, line + "\n");
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
