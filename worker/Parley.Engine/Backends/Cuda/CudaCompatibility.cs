// PTX from NVRTC carries its PTX ISA version, and a driver loads only PTX from CUDA versions it knows: NVRTC 12.6 output
// fails on a 12.2 driver with CUDA_ERROR_UNSUPPORTED_PTX_VERSION. Checking the pair up front turns that into a sentence.
namespace Parley.Engine.Backends.Cuda;

/// <summary>Whether this driver can load this NVRTC's PTX.</summary>
public static class CudaCompatibility
{
    /// <summary>Null when compatible, else the sentence to show.</summary>
    /// <param name="driverVersion">cuDriverGetVersion's value, e.g. 12020 for 12.2.</param>
    /// <param name="nvrtc">NVRTC's version.</param>
    public static string? Problem(int driverVersion, Version nvrtc)
    {
        ArgumentNullException.ThrowIfNull(nvrtc);
        var nvrtcVersion = (nvrtc.Major * 1000) + (nvrtc.Minor * 10);
        if (nvrtcVersion <= driverVersion)
        {
            return null;
        }

        return $"NVRTC {nvrtc.Major}.{nvrtc.Minor} produces PTX that the NVIDIA driver (CUDA {driverVersion / 1000}.{driverVersion % 1000 / 10}) cannot load: "
            + $"install a driver for CUDA {nvrtc.Major}.{nvrtc.Minor} or newer, or set NVRTC_LIB to an NVRTC no newer than {driverVersion / 1000}.{driverVersion % 1000 / 10}.";
    }
}
