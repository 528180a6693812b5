// Which dense products may use the native kernels: bf16 (rounding activations to bf16, a numerical choice that
// CpuBackendOptions.NativeBFloat16 turns off) and f16 (the same arithmetic as the managed kernels, on by default).
namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>Weight types whose several-token and single-token products may run natively.</summary>
[Flags]
internal enum NativeProducts
{
    None = 0,
    Float16 = 1,
    BFloat16 = 2,
    All = Float16 | BFloat16,
}
