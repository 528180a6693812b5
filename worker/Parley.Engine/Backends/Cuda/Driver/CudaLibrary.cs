// The three NVIDIA libraries the CUDA backend calls, and where each is looked for. The driver (libcuda) comes with the
// GPU driver; NVRTC and cuBLAS come with the CUDA toolkit or PyTorch's nvidia-* wheels, in whichever major version
// the machine has, so each is tried newest first after an environment override.
namespace Parley.Engine.Backends.Cuda.Driver;

/// <summary>A native library of the CUDA backend.</summary>
public enum CudaLibrary
{
    Driver,
    Nvrtc,
    Cublas,
}

/// <summary>How one <see cref="CudaLibrary"/> is found and what to install when it is not.</summary>
/// <param name="Library">Which library.</param>
/// <param name="ImportName">The name the P/Invoke declarations use; the resolver maps it to the file found.</param>
/// <param name="EnvironmentVariable">A full path or file name tried before the usual names.</param>
/// <param name="FileNames">The usual names, in the order tried.</param>
/// <param name="InstallHint">What a person installs to get it.</param>
public sealed record CudaLibrarySpec(CudaLibrary Library, string ImportName, string EnvironmentVariable, IReadOnlyList<string> FileNames, string InstallHint)
{
    public const string DriverImport = "parley-cuda-driver";
    public const string NvrtcImport = "parley-cuda-nvrtc";
    public const string CublasImport = "parley-cuda-cublas";

    public static readonly CudaLibrarySpec Driver = new(CudaLibrary.Driver, DriverImport, "CUDA_DRIVER_LIB", ["libcuda.so.1"],
        "an NVIDIA driver (it provides libcuda.so.1; in a container, the NVIDIA container toolkit mounts it)");

    // Debian's libnvrtc11.2 ships only the versioned 11.2 name, which CUDA 11.2 to 11.8 all use.
    public static readonly CudaLibrarySpec Nvrtc = new(CudaLibrary.Nvrtc, NvrtcImport, "NVRTC_LIB",
        ["libnvrtc.so", "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2"],
        "NVRTC from the CUDA toolkit (cuda-nvrtc-12-x, the nvidia-cuda-nvrtc-cu12 wheel, or Debian's libnvrtc11.2)");

    public static readonly CudaLibrarySpec Cublas = new(CudaLibrary.Cublas, CublasImport, "CUBLAS_LIB",
        ["libcublas.so.13", "libcublas.so.12"],
        "cuBLAS from the CUDA toolkit (libcublas-12-x or the nvidia-cublas-cu12 wheel)");

    public static CudaLibrarySpec Of(CudaLibrary library) => library switch
    {
        CudaLibrary.Driver => Driver,
        CudaLibrary.Nvrtc => Nvrtc,
        _ => Cublas,
    };
}
