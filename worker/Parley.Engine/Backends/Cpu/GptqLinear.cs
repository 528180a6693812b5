// y = W·x with W in GPTQ's packed 4-bit form (Models/LinearWeight.cs), dequantised on the fly inside the product.
// qweight packs along the input dimension with outputs contiguous, so the natural tile is eight outputs wide: one
// 256-bit load gives eight outputs × eight inputs of nibbles. Per group the zero point is factored out,
//   Σ_i s·(q_i − z)·x_i = s·(Σ_i q_i·x_i − z·Σ_i x_i),
// leaving one shift, mask, convert and FMA per eight multiply-adds.
// Act-order checkpoints (desc_act) number their groups in a permuted input order; at load the packed rows are
// re-sorted by group (one copy of a weight that cannot be used as stored) and x is read through that order.
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Models;

namespace Parley.Engine.Backends.Cpu;

/// <summary>A GPTQ 4-bit weight.</summary>
internal sealed unsafe class GptqLinear : CpuLinear
{
    private readonly uint* _qweight;
    private readonly uint* _qzeros;
    private readonly byte* _scales;
    private readonly int _groupSize;
    private readonly int[] _inputOrder;
    private readonly uint[]? _sortedQweight;

    public GptqLinear(GptqWeight weight, uint* qweight, uint* qzeros, byte* scales, ReadOnlySpan<int> groupIndex)
        : base(checked((int)weight.InFeatures), checked((int)weight.OutFeatures))
    {
        ArgumentNullException.ThrowIfNull(weight);
        RequireFinite(weight.Scales, scales);
        _qzeros = qzeros;
        _scales = scales;
        _groupSize = weight.GroupSize;
        _inputOrder = GptqOrder.InputOrder(weight, groupIndex);
        if (GptqOrder.IsIdentity(_inputOrder))
        {
            _qweight = qweight;
        }
        else
        {
            _sortedQweight = GptqOrder.Repack(new ReadOnlySpan<uint>(qweight, InFeatures / 8 * OutFeatures), _inputOrder, OutFeatures);
            _qweight = (uint*)Marshal.UnsafeAddrOfPinnedArrayElement(_sortedQweight, 0);
        }
    }

    public override long BytesPerRow => InFeatures / 2;

    public override void MultiplyRows(float* x, int tokenCount, float* y, int yStride, int rowBegin, int rowEnd, bool accumulate)
    {
        for (var tile = rowBegin & ~7; tile < rowEnd; tile += 8)
        {
            for (var t = 0; t < tokenCount; t++)
            {
                var sums = Tile(x + (long)t * InFeatures, tile);
                var row = y + (long)t * yStride;
                for (var j = Math.Max(tile, rowBegin); j < Math.Min(tile + 8, rowEnd); j++)
                {
                    row[j] = accumulate ? row[j] + sums.GetElement(j - tile) : sums.GetElement(j - tile);
                }
            }
        }
    }

    // The eight outputs [tile, tile + 8) for one activation row.
    private Vector256<float> Tile(float* x, int tile)
    {
        var packedRowsPerGroup = _groupSize / 8;
        var groups = InFeatures / _groupSize;
        var mask = Vector256.Create(0xFu);
        var total = Vector256<float>.Zero;
        fixed (int* order = _inputOrder)
        {
            for (var g = 0; g < groups; g++)
            {
                var products = Vector256<float>.Zero;
                var inputSum = 0f;
                for (var i = g * packedRowsPerGroup; i < (g + 1) * packedRowsPerGroup; i++)
                {
                    var packed = Vector256.Load(_qweight + (long)i * OutFeatures + tile);
                    var inputs = order + i * 8;
                    for (var k = 0; k < 8; k++)
                    {
                        var value = x[inputs[k]];
                        inputSum += value;
                        var quantized = Vector256.ConvertToSingle((Vector256.ShiftRightLogical(packed, 4 * k) & mask).AsInt32());
                        products = Vector256.FusedMultiplyAdd(quantized, Vector256.Create(value), products);
                    }
                }

                var scales = Float16Row.Load8(_scales, g * OutFeatures + tile);
                total = Vector256.FusedMultiplyAdd(scales, products - Zeros(g, tile) * inputSum, total);
            }
        }

        return total;
    }

    // Zero points are stored minus one (AutoGPTQ's format "gptq").
    private Vector256<float> Zeros(int group, int tile)
    {
        var word = _qzeros[(long)group * (OutFeatures / 8) + tile / 8];
        return Vector256.Create(Zero(word, 0), Zero(word, 1), Zero(word, 2), Zero(word, 3), Zero(word, 4), Zero(word, 5), Zero(word, 6), Zero(word, 7));
    }

    private static float Zero(uint word, int index) => ((word >> (4 * index)) & 0xF) + 1;
}
