// A linear layer's weight [out, in] as the CPU backend reads it: y = W·x for a range of output rows, so a ThreadGang
// can split the rows of one or several layers (q, k and v together) between cores. Dense weights are read in place
// from the memory-mapped checkpoint in their stored dtype.
using System.Runtime.Intrinsics;
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Models;

namespace Parley.Engine.Backends.Cpu;

/// <summary>A weight matrix [OutFeatures, InFeatures] that multiplies activation rows.</summary>
internal abstract unsafe class CpuLinear(int inFeatures, int outFeatures)
{
    public int InFeatures { get; } = inFeatures;
    public int OutFeatures { get; } = outFeatures;

    /// <summary>y[t, r] = (or +=) W[r, :]·x[t, :] for rows r in [<paramref name="rowBegin"/>, <paramref name="rowEnd"/>) and tokens t.</summary>
    /// <param name="x">[tokenCount, InFeatures] activations.</param>
    /// <param name="tokenCount">Activation rows.</param>
    /// <param name="y">Output; token t's row starts at y + t·<paramref name="yStride"/>.</param>
    /// <param name="yStride">Floats between output rows.</param>
    /// <param name="rowBegin">First weight row.</param>
    /// <param name="rowEnd">One past the last weight row.</param>
    /// <param name="accumulate">Add to y (a residual) instead of overwriting it.</param>
    public abstract void MultiplyRows(float* x, int tokenCount, float* y, int yStride, int rowBegin, int rowEnd, bool accumulate);

    /// <summary>Refuses f16 values the fast widening cannot represent (Float16Row).</summary>
    public static void RequireFinite(TensorInfo tensor, byte* data)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!Float16Row.AllFinite(new ReadOnlySpan<ushort>(data, checked((int)tensor.ElementCount))))
        {
            throw new InvalidDataException($"Tensor '{tensor.Name}' holds inf or NaN values; the checkpoint is damaged.");
        }
    }

    /// <summary>A dense bf16, f16 or f32 weight read in place.</summary>
    public static CpuLinear Dense(TensorInfo tensor, byte* data)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        int rows = checked((int)tensor.Shape[0]), columns = checked((int)tensor.Shape[1]);
        if (tensor.Dtype == SafetensorsDtype.F16)
        {
            RequireFinite(tensor, data);
        }

        return tensor.Dtype switch
        {
            SafetensorsDtype.BF16 => new DenseLinear<BFloat16Row>(data, columns, rows),
            SafetensorsDtype.F16 => new DenseLinear<Float16Row>(data, columns, rows),
            SafetensorsDtype.F32 => new DenseLinear<Float32Row>(data, columns, rows),
            _ => throw new NotSupportedException($"Tensor '{tensor.Name}' is {tensor.Dtype}; dense weights must be BF16, F16 or F32."),
        };
    }
}

/// <summary>A dense weight of element type <typeparamref name="TRow"/>, row-major [out, in].</summary>
internal sealed unsafe class DenseLinear<TRow>(byte* weights, int inFeatures, int outFeatures) : CpuLinear(inFeatures, outFeatures)
    where TRow : struct, IWeightRow
{
    public override void MultiplyRows(float* x, int tokenCount, float* y, int yStride, int rowBegin, int rowEnd, bool accumulate)
    {
        var rowBytes = (long)InFeatures * TRow.ElementSize;
        for (var r = rowBegin; r < rowEnd; r++)
        {
            var w = weights + r * rowBytes;
            var t = 0;
            for (; t + 4 <= tokenCount; t += 4)
            {
                var sums = RowDot.Four<TRow>(w, x + (long)t * InFeatures, InFeatures, InFeatures);
                for (var j = 0; j < 4; j++)
                {
                    Store(y + (long)(t + j) * yStride + r, sums.GetElement(j), accumulate);
                }
            }

            for (; t < tokenCount; t++)
            {
                Store(y + (long)t * yStride + r, RowDot.One<TRow>(w, x + (long)t * InFeatures, InFeatures), accumulate);
            }
        }
    }

    private static void Store(float* destination, float value, bool accumulate) => *destination = accumulate ? *destination + value : value;
}
