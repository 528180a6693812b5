// A linear layer's weight as the checkpoint stores it: a dense [out, in] matrix, or GPTQ's packed 4-bit form
// (AutoGPTQ / transformers layout, checkpoint format "gptq"):
//   qweight [in / 8, out] int32   eight 4-bit values along the input dimension, lowest nibble first
//   qzeros  [groups, out / 8] int32  eight 4-bit zero points along the output dimension, each stored minus one
//   scales  [groups, out] f16
//   g_idx   [in] int32             the group of each input row (in order unless quantized with desc_act)
// so that W[o, i] = scales[g, o] * (q[i, o] - zero[g, o]) with g = g_idx[i].
namespace Parley.Engine.Models;

/// <summary>A linear layer's stored weight.</summary>
public abstract record LinearWeight
{
    public abstract long OutFeatures { get; }
    public abstract long InFeatures { get; }
}

/// <summary>A dense weight [out, in] in bf16, f16 or f32.</summary>
public sealed record DenseWeight(TensorInfo Tensor) : LinearWeight
{
    public override long OutFeatures => Tensor.Shape[0];
    public override long InFeatures => Tensor.Shape[1];
}

/// <summary>A GPTQ 4-bit weight.</summary>
public sealed record GptqWeight(TensorInfo QWeight, TensorInfo QZeros, TensorInfo Scales, TensorInfo GroupIndex, int GroupSize) : LinearWeight
{
    public override long OutFeatures => QWeight.Shape[1];
    public override long InFeatures => QWeight.Shape[0] * 8;
}
