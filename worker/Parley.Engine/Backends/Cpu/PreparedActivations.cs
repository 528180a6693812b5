// Some native products read their activations in a form of their own, prepared once per product by LinearJob for all
// its threads: the bf16 products rounded to bf16 (bf16 bits for VDPBF16PS, float32 in split order for the widened
// tiles), the weight panels each token tile's activations interleaved (and for bf16 panels rounded too).
namespace Parley.Engine.Backends.Cpu;

/// <summary>The form in which a weight's products read their activations.</summary>
internal enum PreparedActivations
{
    /// <summary>The float32 activations as they are.</summary>
    None,

    /// <summary>Rounded to bf16 and held as bf16 (BFloat16Dot.Round).</summary>
    BFloat16,

    /// <summary>Rounded to bf16 and held as float32 in split order (BFloat16WidenedDot.RoundSplit).</summary>
    Float32,

    /// <summary>Float32 as they are, each token tile's activations of one input side by side (WeightPanels.Interleave).</summary>
    Interleaved,

    /// <summary>Rounded to bf16, held as float32 and interleaved as <see cref="Interleaved"/>.</summary>
    RoundedInterleaved,
}
