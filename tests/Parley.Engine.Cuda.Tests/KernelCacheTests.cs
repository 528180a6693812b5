// The kernel cache on the emulated CUDA: a cached image the driver refuses (a file cut short, or an emulated module
// whose checkout was deleted) is compiled again and replaced, so a stale cache never stops a worker from starting.
using Parley.Engine.Backends.Cuda;
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Testing;

namespace Parley.Engine.Cuda.Tests;

public sealed class KernelCacheTests : IDisposable
{
    private const string Garbage = "not a kernel image";
    private readonly string _cache = Directory.CreateTempSubdirectory("parley-kernel-cache-").FullName;

    static KernelCacheTests() => CudaEmulator.UseInThisProcess();

    [Fact]
    public void CudaKernels_WhenEveryCachedImageIsRefused_CompilesThemAgainAndReplacesTheCache()
    {
        using var device = CudaDevice.Open();
        using (new CudaKernels(new KernelCompiler(_cache), device.ComputeCapability))
        {
        }

        var files = Directory.GetFiles(_cache);
        files.Should().NotBeEmpty();
        foreach (var file in files)
        {
            File.WriteAllText(file, Garbage);
        }

        using var kernels = new CudaKernels(new KernelCompiler(_cache), device.ComputeCapability);

        kernels["add_rmsnorm"].Should().NotBeNull();
        Directory.GetFiles(_cache).Should().BeEquivalentTo(files, "each image is replaced under its own key")
            .And.OnlyContain(file => File.ReadAllText(file) != Garbage);
    }

    public void Dispose() => Directory.Delete(_cache, recursive: true);
}
