// Finds the CUDA libraries: the environment override first, then the usual names. The loading itself is injected so
// tests can check the order and the messages on machines without the libraries.
namespace Parley.Engine.Backends.Cuda.Driver;

/// <summary>Loads <see cref="CudaLibrary"/> files by trying candidate names in order.</summary>
/// <param name="tryLoad">Loads a file by name or path and returns its handle, or 0 when it cannot.</param>
/// <param name="environment">Reads an environment variable.</param>
public sealed class CudaLibraryLoader(Func<string, nint> tryLoad, Func<string, string?> environment)
{
    private readonly Dictionary<CudaLibrary, nint> _handles = [];
    private readonly Lock _lock = new();

    /// <summary>The names tried for <paramref name="spec"/>, in order.</summary>
    public IReadOnlyList<string> Candidates(CudaLibrarySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var overridden = environment(spec.EnvironmentVariable);
        return string.IsNullOrWhiteSpace(overridden) ? spec.FileNames : [overridden, .. spec.FileNames];
    }

    /// <summary>The handle of <paramref name="library"/>, loading it on first use.</summary>
    /// <exception cref="CudaUnavailableException">No candidate loads; the message names what was tried and what to install.</exception>
    public nint Load(CudaLibrary library)
    {
        lock (_lock)
        {
            if (_handles.TryGetValue(library, out var handle))
            {
                return handle;
            }

            var spec = CudaLibrarySpec.Of(library);
            var candidates = Candidates(spec);
            foreach (var candidate in candidates)
            {
                handle = tryLoad(candidate);
                if (handle != 0)
                {
                    _handles[library] = handle;
                    return handle;
                }
            }

            throw new CudaUnavailableException(
                $"CUDA is unavailable: none of {string.Join(", ", candidates)} could be loaded; install {spec.InstallHint}, or set {spec.EnvironmentVariable} to the library's path.");
        }
    }

    /// <summary>The handle already loaded for an import name, or 0.</summary>
    public nint Loaded(string importName)
    {
        lock (_lock)
        {
            foreach (var (library, handle) in _handles)
            {
                if (CudaLibrarySpec.Of(library).ImportName == importName)
                {
                    return handle;
                }
            }

            return 0;
        }
    }
}
