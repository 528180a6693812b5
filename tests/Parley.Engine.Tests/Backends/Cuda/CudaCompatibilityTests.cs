using Parley.Engine.Backends.Cuda;

namespace Parley.Engine.Tests.Backends.Cuda;

public sealed class CudaCompatibilityTests
{
    [Theory]
    [InlineData(12040, 12, 4)]
    [InlineData(12080, 12, 4)]
    [InlineData(13000, 12, 8)]
    [InlineData(12020, 11, 8)]
    public void Problem_DriverAtLeastAsNewAsNvrtc_IsNone(int driver, int major, int minor)
    {
        CudaCompatibility.Problem(driver, new Version(major, minor)).Should().BeNull();
    }

    [Fact]
    public void Problem_NvrtcNewerThanTheDriver_SaysWhatToInstall()
    {
        CudaCompatibility.Problem(12020, new Version(12, 6)).Should()
            .Be("NVRTC 12.6 produces PTX that the NVIDIA driver (CUDA 12.2) cannot load: install a driver for CUDA 12.6 or newer, or set NVRTC_LIB to an NVRTC no newer than 12.2.");
    }
}
