// The native bf16 products read their activations rounded to bf16, done once per product by LinearJob for all its
// threads, in the form their kernel loads: bf16 bits for VDPBF16PS, float32 in split order for the widened tiles.
namespace Parley.Engine.Backends.Cpu;

/// <summary>How a weight's products read the activations rounded to bf16, if they do.</summary>
internal enum RoundedActivations
{
    /// <summary>The float32 activations as they are.</summary>
    None,

    /// <summary>Rounded to bf16 and held as bf16 (BFloat16Dot.Round).</summary>
    BFloat16,

    /// <summary>Rounded to bf16 and held as float32 in split order (BFloat16WidenedDot.RoundSplit).</summary>
    Float32,
}
