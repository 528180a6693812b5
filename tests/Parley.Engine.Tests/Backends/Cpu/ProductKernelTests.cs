using System.Runtime.Intrinsics;
using Parley.Engine.Backends.Cpu;
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Models;

namespace Parley.Engine.Tests.Backends.Cpu;

public unsafe class ProductKernelTests
{
    public static TheoryData<int> Lengths() => new(1, 7, 8, 15, 16, 17, 33, 896);

    [Fact]
    public void Float16Row_EveryFiniteBitPattern_WidensLikeSystemHalf_In8And16Lanes()
    {
        var patterns = Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray();
        fixed (ushort* source = patterns)
        {
            for (var i = 0; i < patterns.Length; i += 16)
            {
                var wide = Float16Row.Load16((byte*)source, i);
                var (low, high) = (Float16Row.Load8((byte*)source, i), Float16Row.Load8((byte*)source, i + 8));
                for (var j = 0; j < 16; j++)
                {
                    var half = BitConverter.UInt16BitsToHalf(patterns[i + j]);
                    if (!Half.IsFinite(half))
                    {
                        continue; // refused at load: see Float16Row_AllFinite_FindsInfAndNaN
                    }

                    var expected = BitConverter.SingleToUInt32Bits((float)half);
                    BitConverter.SingleToUInt32Bits(wide.GetElement(j)).Should().Be(expected, $"0x{patterns[i + j]:X4} in 16 lanes");
                    BitConverter.SingleToUInt32Bits(j < 8 ? low.GetElement(j) : high.GetElement(j - 8)).Should().Be(expected, $"0x{patterns[i + j]:X4} in 8 lanes");
                }
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Float16Row_Widen_GivesSystemHalfsValueForEveryFinitePattern_AtAnyOffset(int offset)
    {
        var patterns = Enumerable.Range(0, 65536).Select(i => (ushort)i).Where(p => Half.IsFinite(BitConverter.UInt16BitsToHalf(p))).ToArray();
        var widened = new float[patterns.Length - offset];
        fixed (ushort* source = patterns)
        fixed (float* destination = widened)
        {
            Float16Row.Widen((byte*)(source + offset), widened.Length, destination);
        }

        for (var i = 0; i < widened.Length; i++)
        {
            BitConverter.SingleToUInt32Bits(widened[i]).Should().Be(BitConverter.SingleToUInt32Bits((float)BitConverter.UInt16BitsToHalf(patterns[i + offset])), $"0x{patterns[i + offset]:X4}");
        }
    }

    [Theory]
    [InlineData(0x7C00)]
    [InlineData(0xFC00)]
    [InlineData(0x7E00)]
    public void Float16Row_AllFinite_FindsInfAndNaN_AnywhereInTheRow(int pattern)
    {
        foreach (var at in new[] { 0, 31, 32, 40 })
        {
            var row = Enumerable.Range(0, 41).Select(i => BitConverter.HalfToUInt16Bits((Half)(i * 0.5f - 7))).ToArray();
            Float16Row.AllFinite(row).Should().BeTrue();
            row[at] = (ushort)pattern;
            Float16Row.AllFinite(row).Should().BeFalse($"0x{pattern:X4} at {at}");
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void DenseLinear_EveryDtypeAndTokenCount_MatchesTheScalarProduct(int inFeatures)
    {
        const int rows = 11;
        var random = new Random(inFeatures);
        var weights = Enumerable.Range(0, rows * inFeatures).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        foreach (var (dtype, native) in Kinds)
        {
            var (stored, exact) = StoredWeights.Store(weights, dtype);
            // Every count from one token to past 16 (token tiles of 6 + 6 + 5), over a row range that is not a
            // multiple of the 4-row tile, so both the widened row tiles and the remainder rows are checked.
            foreach (var tokens in Enumerable.Range(1, 17))
            {
                var x = Enumerable.Range(0, tokens * inFeatures).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                var y = Enumerable.Repeat(0.5f, tokens * rows).ToArray();
                var read = Multiply(dtype, native, stored, rows, inFeatures, x, tokens, y, rows, 1, rows, accumulate: tokens % 2 == 0);

                for (var t = 0; t < tokens; t++)
                {
                    y[t * rows].Should().Be(0.5f, "row 0 was outside the range");
                    for (var r = 1; r < rows; r++)
                    {
                        var expected = (tokens % 2 == 0 ? 0.5 : 0) + Enumerable.Range(0, inFeatures).Sum(k => (double)exact[r * inFeatures + k] * read[t * inFeatures + k]);
                        y[t * rows + r].Should().BeApproximately((float)expected, 1e-4f, $"{dtype}, native {native}, token {t}, row {r}");
                    }
                }
            }
        }
    }

    // Rows of 4100 inputs (4 past a multiple of 16) make blocks of tiles of 8 to 24 rows (CpuLinear.TileBlockRows),
    // so a range of 50 rows starting off a tile boundary spans several blocks, each prefetching the next.
    [Fact]
    public void DenseLinear_ARangeSpanningSeveralCacheBlocks_MatchesTheScalarProduct()
    {
        const int rows = 53, inFeatures = 4100, first = 3;
        var random = new Random(rows);
        var weights = Enumerable.Range(0, rows * inFeatures).Select(_ => (float)(random.NextDouble() - 0.5) / 8).ToArray();
        foreach (var (dtype, native) in Kinds)
        {
            var (stored, exact) = StoredWeights.Store(weights, dtype);
            fixed (byte* w = stored)
            {
                CpuLinear.Dense(new TensorInfo("w", dtype, [rows, inFeatures], 0, stored.Length), w, native).TileBlockRows
                    .Should().BeLessThan((rows - first) / 2, "the range should span several blocks");
            }

            foreach (var tokens in new[] { 1, 5, 7, 16, 17 })
            {
                var x = Enumerable.Range(0, tokens * inFeatures).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                var y = new float[tokens * rows];
                var read = Multiply(dtype, native, stored, rows, inFeatures, x, tokens, y, rows, first, rows, accumulate: false);

                for (var t = 0; t < tokens; t++)
                {
                    for (var r = first; r < rows; r++)
                    {
                        var expected = Enumerable.Range(0, inFeatures).Sum(k => (double)exact[r * inFeatures + k] * read[t * inFeatures + k]);
                        y[t * rows + r].Should().BeApproximately((float)expected, 1e-4f, $"{dtype}, native {native}, {tokens} tokens: token {t}, row {r}");
                    }
                }
            }
        }
    }

    // The native kernels sum each row and token in the same order whatever the tile (Gemv is a tile of one row and one
    // token), so a token's products do not depend on its batch at all, not even in the last bit. Rows of 2,500 are
    // walked in segments (1,024 + 1,024 + 452, the last ending in a partial step) when several tokens share a tile,
    // and in one pass by a token alone.
    [Theory]
    [InlineData(896)]
    [InlineData(100)]
    [InlineData(2500)]
    public void DenseLinear_NativeProducts_AreBitForBitTheSameForATokenAloneAndInABatch(int inFeatures)
    {
        const int rows = 37, tokens = 16;
        var random = new Random(inFeatures);
        var weights = Enumerable.Range(0, rows * inFeatures).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var x = Enumerable.Range(0, tokens * inFeatures).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        foreach (var (dtype, native) in Kinds.Where(kind => Runs(kind.Native))) // the managed kernels make no such promise
        {
            var (stored, _) = StoredWeights.Store(weights, dtype);
            var batch = new float[tokens * rows];
            Multiply(dtype, native, stored, rows, inFeatures, x, tokens, batch, rows, 0, rows, accumulate: false);
            for (var t = 0; t < tokens; t++)
            {
                var alone = new float[rows];
                Multiply(dtype, native, stored, rows, inFeatures, x[(t * inFeatures)..((t + 1) * inFeatures)], 1, alone, rows, 0, rows, accumulate: false);
                for (var r = 0; r < rows; r++)
                {
                    BitConverter.SingleToUInt32Bits(alone[r]).Should().Be(BitConverter.SingleToUInt32Bits(batch[t * rows + r]), $"{dtype} through {native}: token {t}, row {r}");
                }
            }
        }
    }

    // Each dtype through the managed kernels, and bf16 (both kernels) and f16 once more through the native ones where
    // the CPU runs them.
    private static readonly (SafetensorsDtype Dtype, NativeProducts Native)[] Kinds =
    [
        (SafetensorsDtype.BF16, NativeProducts.None), (SafetensorsDtype.BF16, NativeProducts.BFloat16Dot), (SafetensorsDtype.BF16, NativeProducts.BFloat16Widened),
        (SafetensorsDtype.F16, NativeProducts.None), (SafetensorsDtype.F16, NativeProducts.Float16), (SafetensorsDtype.F32, NativeProducts.None),
    ];

    // Runs DenseLinear as LinearJob does, rounding x to bf16 in the form the weight reads it (by the scalar twin of
    // the kernels' rounding), and returns the activations the product read: x itself, or x rounded.
    private static float[] Multiply(SafetensorsDtype dtype, NativeProducts native, byte[] stored, int rows, int inFeatures, float[] x, int tokens, float[] y, int yStride,
        int rowBegin, int rowEnd, bool accumulate)
    {
        var bits = x.Select(BFloat16Bits.Round).ToArray();
        var values = bits.Select(BFloat16Bits.Value).ToArray();
        var split = SplitActivations.Of(values, inFeatures, tokens);
        fixed (byte* w = stored)
        fixed (float* xp = x, yp = y, vp = split)
        fixed (ushort* bp = bits)
        {
            var linear = CpuLinear.Dense(new TensorInfo("w", dtype, [rows, inFeatures], 0, stored.Length), w, native);
            var form = linear.PreparedActivations;
            form.Should().Be(ExpectedForm(dtype, native), $"a {dtype} weight with native {native}, where VDPBF16PS is {BFloat16Dot.Status} and widening {BFloat16WidenedDot.Status}");
            linear.MultiplyRows(xp, form switch { PreparedActivations.BFloat16 => bp, PreparedActivations.Float32 => vp, _ => null }, tokens, yp, yStride, rowBegin, rowEnd, accumulate);
            return form == PreparedActivations.None ? x : values;
        }
    }

    private static bool Runs(NativeProducts native) => native switch
    {
        NativeProducts.BFloat16Dot => BFloat16Dot.IsAvailable,
        NativeProducts.BFloat16Widened => BFloat16WidenedDot.IsAvailable,
        NativeProducts.Float16 => Float16Dot.IsAvailable,
        _ => false,
    };

    private static PreparedActivations ExpectedForm(SafetensorsDtype dtype, NativeProducts native) => (dtype, native) switch
    {
        (SafetensorsDtype.BF16, NativeProducts.BFloat16Dot) when BFloat16Dot.IsAvailable => PreparedActivations.BFloat16,
        (SafetensorsDtype.BF16, NativeProducts.BFloat16Widened) when BFloat16WidenedDot.IsAvailable => PreparedActivations.Float32,
        _ => PreparedActivations.None,
    };
}
