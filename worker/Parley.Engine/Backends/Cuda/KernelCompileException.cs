namespace Parley.Engine.Backends.Cuda;

/// <summary>NVRTC rejected a kernel file; the message names the file and carries NVRTC's log.</summary>
public sealed class KernelCompileException : Exception
{
    public KernelCompileException()
    {
    }

    public KernelCompileException(string message)
        : base(message)
    {
    }

    public KernelCompileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KernelCompileException(string fileName, string log)
        : base($"NVRTC could not compile {fileName}:\n{log}")
    {
        FileName = fileName;
        Log = log;
    }

    public string FileName { get; } = "";

    /// <summary>NVRTC's program log.</summary>
    public string Log { get; } = "";
}
