// Which dense products may use the native kernels: bf16, rounding activations to bf16 (a numerical choice that
// CpuBackendOptions.NativeBFloat16 turns off) and multiplying either with VDPBF16PS or with the weights widened to
// float32 (CpuBackendOptions.BFloat16Kernel); f16, the same arithmetic as the managed kernels, on by default.
namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>Weight types, and for bf16 the kernel, whose several-token and single-token products may run natively.</summary>
[Flags]
internal enum NativeProducts
{
    None = 0,
    Float16 = 1,

    /// <summary>bf16 through VDPBF16PS (BFloat16Dot).</summary>
    BFloat16Dot = 2,

    /// <summary>bf16 widened to float32 (BFloat16WidenedDot); BFloat16Dot takes precedence where both are set and available.</summary>
    BFloat16Widened = 4,
}
