// The native kernels a dense weight's products run, fixed when the weight is opened (CpuLinear.Dense).
namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>A dense weight's native tile family, or None for the managed kernels.</summary>
internal enum NativeTileFamily
{
    None,
    BFloat16Dot,
    BFloat16Widened,
    Float16,
}
