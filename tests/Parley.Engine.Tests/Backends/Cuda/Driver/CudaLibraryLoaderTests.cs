using Parley.Engine.Backends.Cuda.Driver;

namespace Parley.Engine.Tests.Backends.Cuda.Driver;

public sealed class CudaLibraryLoaderTests
{
    private readonly List<string> _tried = [];
    private readonly Dictionary<string, string> _environment = [];

    [Fact]
    public void Load_Nvrtc_TriesTheUnversionedNameThenNewestFirst()
    {
        var loader = Loader(present: []);

        var load = () => loader.Load(CudaLibrary.Nvrtc);

        load.Should().Throw<CudaUnavailableException>();
        _tried.Should().Equal("libnvrtc.so", "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2");
    }

    [Fact]
    public void Load_StopsAtTheFirstNameThatLoads()
    {
        var loader = Loader(present: ["libcublas.so.12"]);

        loader.Load(CudaLibrary.Cublas).Should().Be(Handle("libcublas.so.12"));
        _tried.Should().Equal("libcublas.so.13", "libcublas.so.12");
    }

    [Fact]
    public void Load_EnvironmentOverride_IsTriedFirst()
    {
        _environment["CUDA_DRIVER_LIB"] = "/opt/nvidia/libcuda.so.550";
        var loader = Loader(present: ["/opt/nvidia/libcuda.so.550", "libcuda.so.1"]);

        loader.Load(CudaLibrary.Driver).Should().Be(Handle("/opt/nvidia/libcuda.so.550"));
        _tried.Should().Equal("/opt/nvidia/libcuda.so.550");
    }

    [Fact]
    public void Load_Twice_LoadsOnce()
    {
        var loader = Loader(present: ["libcuda.so.1"]);

        loader.Load(CudaLibrary.Driver);
        loader.Load(CudaLibrary.Driver);

        _tried.Should().ContainSingle();
        loader.Loaded(CudaLibrarySpec.DriverImport).Should().Be(Handle("libcuda.so.1"));
        loader.Loaded(CudaLibrarySpec.CublasImport).Should().Be(0);
    }

    [Fact]
    public void Load_MissingDriver_IsOneSentenceNamingWhatToInstall()
    {
        var loader = Loader(present: []);

        var load = () => loader.Load(CudaLibrary.Driver);

        load.Should().Throw<CudaUnavailableException>().Which.Message.Should().Be(
            "CUDA is unavailable: none of libcuda.so.1 could be loaded; install an NVIDIA driver (it provides libcuda.so.1; in a container, the NVIDIA container toolkit mounts it), or set CUDA_DRIVER_LIB to the library's path.");
    }

    [Fact]
    public void Load_MissingCublas_NamesTheEnvironmentVariableAndThePackages()
    {
        var loader = Loader(present: []);

        var load = () => loader.Load(CudaLibrary.Cublas);

        load.Should().Throw<CudaUnavailableException>().WithMessage("*libcublas.so.13, libcublas.so.12*nvidia-cublas-cu12*CUBLAS_LIB*");
    }

    [Theory]
    [InlineData("CuDriver.cuMemAlloc(&pointer, (nuint)bytes)", "cuMemAlloc")]
    [InlineData("Cublas.cublasGemmEx(_handle, 1)", "cublasGemmEx")]
    [InlineData("result", "result")]
    public void FunctionOf_TheCheckedCall_IsTheApiFunctionName(string call, string function)
    {
        CudaCheck.FunctionOf(call).Should().Be(function);
    }

    [Fact]
    public void CudaException_OutOfMemory_IsRecognised()
    {
        new CudaException("cuMemAlloc", 2, "CUDA_ERROR_OUT_OF_MEMORY").IsOutOfMemory.Should().BeTrue();
        new CudaException("cublasGemmEx", 3, "CUBLAS_STATUS_ALLOC_FAILED").IsOutOfMemory.Should().BeTrue();
        new CudaException("cuLaunchKernel", 700, "CUDA_ERROR_ILLEGAL_ADDRESS").IsOutOfMemory.Should().BeFalse();
    }

    private static nint Handle(string name) => name.Length + 1000;

    private CudaLibraryLoader Loader(string[] present) => new(
        name =>
        {
            _tried.Add(name);
            return present.Contains(name) ? Handle(name) : 0;
        },
        name => _environment.GetValueOrDefault(name));
}
