// The process-wide CUDA library loader and the DllImport resolver that points the P/Invoke import names at it. Every
// entry point calls Require first, so a missing library surfaces as CudaUnavailableException with a sentence to act
// on, never as DllNotFoundException from deep inside a call.
using System.Runtime.InteropServices;

namespace Parley.Engine.Backends.Cuda.Driver;

/// <summary>The CUDA libraries of this process.</summary>
public static class CudaLibraries
{
    private static readonly CudaLibraryLoader Loader = new(TryLoad, Environment.GetEnvironmentVariable);
    private static int _resolverInstalled;

    /// <summary>Loads <paramref name="library"/> now.</summary>
    /// <exception cref="CudaUnavailableException">It cannot be found.</exception>
    public static void Require(CudaLibrary library)
    {
        if (Interlocked.Exchange(ref _resolverInstalled, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(CudaLibraries).Assembly, Resolve);
        }

        Loader.Load(library);
    }

    private static nint Resolve(string name, System.Reflection.Assembly assembly, DllImportSearchPath? searchPath) => Loader.Loaded(name);

    private static nint TryLoad(string name) => NativeLibrary.TryLoad(name, out var handle) ? handle : 0;
}
