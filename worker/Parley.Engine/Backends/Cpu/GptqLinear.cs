// y = W·x with W in GPTQ's packed 4-bit form (Models/LinearWeight.cs), dequantised on the fly inside the product.
// qweight packs along the input dimension with outputs contiguous, so the natural tile is eight outputs wide: one
// 256-bit load gives eight outputs × eight inputs of nibbles. Per group the zero point is factored out,
//   Σ_i s·(q_i − z)·x_i = s·(Σ_i q_i·x_i − z·Σ_i x_i),
// leaving one shift, mask, convert and FMA per eight multiply-adds; with several tokens (a tile of up to 6) each
// unpacked vector serves all of them, and the Σ x of each group is taken once per token beforehand.
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

    // Several tokens take the rows in blocks that stay in L2 (TileBlockRows) while every token tile passes them.
    public override void MultiplyRows(float* x, void* prepared, int tokenCount, float* y, int yStride, int rowBegin, int rowEnd, bool accumulate, RunLinks links = default)
    {
        var blockRows = tokenCount > TileDot.MaxTokens ? TileBlockRows : rowEnd - rowBegin;
        for (var begin = rowBegin; begin < rowEnd; begin += blockRows)
        {
            MultiplyBlock(x, tokenCount, y, yStride, begin, Math.Min(rowEnd, begin + blockRows), accumulate);
        }
    }

    private void MultiplyBlock(float* x, int tokenCount, float* y, int yStride, int rowBegin, int rowEnd, bool accumulate)
    {
        var groups = InFeatures / _groupSize;
        // 6 x 224 groups for a 28672-wide input in groups of 128: 5 KiB of stack.
        Span<float> groupSums = stackalloc float[groups * TileDot.MaxTokens];
        var sums = stackalloc Vector256<float>[TileDot.MaxTokens];
        for (var t = 0; t < tokenCount; t += TileDot.MaxTokens)
        {
            var count = Math.Min(TileDot.MaxTokens, tokenCount - t);
            var xt = x + (long)t * InFeatures;
            SumGroups(xt, count, groupSums);
            for (var tile = rowBegin & ~7; tile < rowEnd; tile += 8)
            {
                fixed (float* inputSums = groupSums)
                {
                    Tile(count, xt, tile, inputSums, sums);
                }

                for (var j = 0; j < count; j++)
                {
                    var row = y + (long)(t + j) * yStride;
                    for (var r = Math.Max(tile, rowBegin); r < Math.Min(tile + 8, rowEnd); r++)
                    {
                        row[r] = accumulate ? row[r] + sums[j].GetElement(r - tile) : sums[j].GetElement(r - tile);
                    }
                }
            }
        }
    }

    // Σ x over each group of inputs, per token: [token][group]. The zero point's share of a group's product.
    private void SumGroups(float* x, int tokenCount, Span<float> sums)
    {
        var groups = InFeatures / _groupSize;
        for (var t = 0; t < tokenCount; t++)
        {
            for (var g = 0; g < groups; g++)
            {
                var sum = 0f;
                for (var i = g * _groupSize; i < (g + 1) * _groupSize; i++)
                {
                    sum += x[(long)t * InFeatures + _inputOrder[i]];
                }

                sums[t * groups + g] = sum;
            }
        }
    }

    private void Tile(int tokens, float* x, int tile, float* inputSums, Vector256<float>* sums)
    {
        switch (tokens)
        {
            case 6: Tile<SixTokens>(x, tile, inputSums, sums); break;
            case 5: Tile<FiveTokens>(x, tile, inputSums, sums); break;
            case 4: Tile<FourTokens>(x, tile, inputSums, sums); break;
            case 3: Tile<ThreeTokens>(x, tile, inputSums, sums); break;
            case 2: Tile<TwoTokens>(x, tile, inputSums, sums); break;
            default: Tile<OneToken>(x, tile, inputSums, sums); break;
        }
    }

    // The eight outputs [tile, tile + 8) for up to 6 activation rows: each dequantised vector of eight weights is
    // multiplied with every token's input before the next is unpacked. Accumulator pT holds token T's group sums.
    private void Tile<TTokens>(float* x, int tile, float* inputSums, Vector256<float>* sums)
        where TTokens : struct, ITokenCount
    {
        var n = TTokens.Count;
        var packedRowsPerGroup = _groupSize / 8;
        var groups = InFeatures / _groupSize;
        var mask = Vector256.Create(0xFu);
        float* x0 = x, x1 = x + InFeatures, x2 = x + 2 * InFeatures, x3 = x + 3 * InFeatures, x4 = x + 4 * InFeatures, x5 = x + 5 * InFeatures;
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default;
        fixed (int* order = _inputOrder)
        {
            for (var g = 0; g < groups; g++)
            {
                Vector256<float> p0 = default, p1 = default, p2 = default, p3 = default, p4 = default, p5 = default;
                for (var i = g * packedRowsPerGroup; i < (g + 1) * packedRowsPerGroup; i++)
                {
                    var packed = Vector256.Load(_qweight + (long)i * OutFeatures + tile);
                    var inputs = order + i * 8;
                    for (var k = 0; k < 8; k++)
                    {
                        var q = Vector256.ConvertToSingle((Vector256.ShiftRightLogical(packed, 4 * k) & mask).AsInt32());
                        var input = inputs[k];
                        p0 = Vector256.FusedMultiplyAdd(q, Vector256.Create(x0[input]), p0);
                        if (n > 1) { p1 = Vector256.FusedMultiplyAdd(q, Vector256.Create(x1[input]), p1); }
                        if (n > 2) { p2 = Vector256.FusedMultiplyAdd(q, Vector256.Create(x2[input]), p2); }
                        if (n > 3) { p3 = Vector256.FusedMultiplyAdd(q, Vector256.Create(x3[input]), p3); }
                        if (n > 4) { p4 = Vector256.FusedMultiplyAdd(q, Vector256.Create(x4[input]), p4); }
                        if (n > 5) { p5 = Vector256.FusedMultiplyAdd(q, Vector256.Create(x5[input]), p5); }
                    }
                }

                var scales = Float16Row.Load8(_scales, g * OutFeatures + tile);
                var zeros = Zeros(g, tile);
                s0 = Vector256.FusedMultiplyAdd(scales, p0 - zeros * inputSums[g], s0);
                if (n > 1) { s1 = Vector256.FusedMultiplyAdd(scales, p1 - zeros * inputSums[groups + g], s1); }
                if (n > 2) { s2 = Vector256.FusedMultiplyAdd(scales, p2 - zeros * inputSums[2 * groups + g], s2); }
                if (n > 3) { s3 = Vector256.FusedMultiplyAdd(scales, p3 - zeros * inputSums[3 * groups + g], s3); }
                if (n > 4) { s4 = Vector256.FusedMultiplyAdd(scales, p4 - zeros * inputSums[4 * groups + g], s4); }
                if (n > 5) { s5 = Vector256.FusedMultiplyAdd(scales, p5 - zeros * inputSums[5 * groups + g], s5); }
            }
        }

        (sums[0], sums[1], sums[2], sums[3], sums[4], sums[5]) = (s0, s1, s2, s3, s4, s5);
    }

    // Zero points are stored minus one (AutoGPTQ's format "gptq").
    private Vector256<float> Zeros(int group, int tile)
    {
        var word = _qzeros[(long)group * (OutFeatures / 8) + tile / 8];
        return Vector256.Create(Zero(word, 0), Zero(word, 1), Zero(word, 2), Zero(word, 3), Zero(word, 4), Zero(word, 5), Zero(word, 6), Zero(word, 7));
    }

    private static float Zero(uint word, int index) => ((word >> (4 * index)) & 0xF) + 1;
}
