// How the native bf16 products multiply. Both read the activations rounded to bf16 and sum in float32, so they agree
// to float32 rounding; which is faster depends on the core. AMD Zen 4 issues a VDPBF16PS as often as a float32
// multiply-add, so it does twice the work a cycle; Intel Sapphire and Emerald Rapids issue one every two cycles
// against two multiply-adds a cycle, half the work.
namespace Parley.Engine.Backends.Cpu;

/// <summary>The kernel of the native bf16 products (CpuBackendOptions.BFloat16Kernel).</summary>
public enum BFloat16Kernel
{
    /// <summary>VDPBF16PS where it outruns float32 multiply-adds on this core (timed once at start-up), else widening.</summary>
    Auto,

    /// <summary>AVX-512 BF16's VDPBF16PS, two bf16 products per float32 lane per instruction.</summary>
    DotProduct,

    /// <summary>The weights widened to float32 (32 at a time as 16 pairs: a shift and a mask) and float32 fused multiply-adds.</summary>
    Widened,
}
