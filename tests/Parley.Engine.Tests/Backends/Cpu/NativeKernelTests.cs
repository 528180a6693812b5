using System.Runtime.InteropServices;
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Models;

namespace Parley.Engine.Tests.Backends.Cpu;

// The native kernels (Native/*.cc) against scalar twins: rounding to bf16 bit for bit, and the tiles and row-by-row
// products to float32 order (1e-4 at these sizes, as TileDotTests) over the values the kernels read (bf16 activations
// as rounded, f16 weights as stored). On a CPU without the instructions each test instead checks that the kernels
// refuse to run and say why.
public unsafe class NativeKernelTests
{
    [Fact]
    public void TheBFloat16Kernels_AreAvailableExactlyWhereTheCpuHasAvx512Bf16() =>
        BFloat16Dot.IsAvailable.Should().Be(CpuHas("avx512f", "avx512bw", "avx512vl", "avx512_bf16"),
            $"the library should be built and loaded wherever the CPU runs it ({BFloat16Dot.Status})");

    [Fact]
    public void TheFloat16Kernels_AreAvailableExactlyWhereTheCpuHasAvx512() =>
        Float16Dot.IsAvailable.Should().Be(CpuHas("avx512f", "avx512bw", "avx512vl"),
            $"the library should be built and loaded wherever the CPU runs it ({Float16Dot.Status})");

    [Fact]
    public void TheWidenedBFloat16Kernels_AreAvailableExactlyWhereTheCpuHasAvx512() =>
        BFloat16WidenedDot.IsAvailable.Should().Be(CpuHas("avx512f", "avx512bw", "avx512vl"),
            $"the library should be built and loaded wherever the CPU runs it ({BFloat16WidenedDot.Status})");

    // The choice between the two bf16 kernels rests on this ratio: about 2 on AMD Zen 4 and 0.5 on Intel Sapphire and
    // Emerald Rapids, so a timing a third off either way still chooses alike.
    [Fact]
    public void Speedup_OfVdpbf16ps_IsNearAPowerOfTwoOfTheMultiplyAddRate()
    {
        if (!RequireAvailable(BFloat16Dot.IsAvailable, BFloat16Dot.Status, () => _ = BFloat16Dot.Speedup))
        {
            return;
        }

        BFloat16Dot.Speedup.Should().BeInRange(0.25, 4, "each instruction does 32 or 64 floating-point operations and issues at most twice a cycle");
    }

    [Fact]
    public void Round_IsRoundToNearestEven_BitForBit()
    {
        var source = RoundingCases();
        var destination = new ushort[source.Length];
        if (!RequireAvailable(BFloat16Dot.IsAvailable, BFloat16Dot.Status, () => Round(source, destination)))
        {
            return;
        }

        Round(source, destination);

        for (var i = 0; i < source.Length; i++)
        {
            destination[i].Should().Be(BFloat16Bits.Round(source[i]), $"{source[i]:R} (0x{BitConverter.SingleToUInt32Bits(source[i]):X8}), element {i} of {source.Length}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(32)]
    [InlineData(45)]
    public void RoundSplit_IsRoundToNearestEven_InSplitOrder_ZeroPadded_BitForBit(int length)
    {
        const int tokens = 3;
        var cases = RoundingCases().Concat([float.NaN, float.PositiveInfinity, float.NegativeInfinity]).ToArray();
        var source = Enumerable.Range(0, tokens * length).Select(i => cases[i * 7 % cases.Length]).ToArray();
        var destination = Enumerable.Repeat(float.NaN, tokens * BFloat16WidenedDot.Stride(length)).ToArray();
        if (!RequireAvailable(BFloat16WidenedDot.IsAvailable, BFloat16WidenedDot.Status, () => RoundSplit(source, destination, length, tokens)))
        {
            return;
        }

        RoundSplit(source, destination, length, tokens);

        var expected = SplitActivations.Of(source.Select(v => float.IsNaN(v) ? v : BFloat16Bits.Value(BFloat16Bits.Round(v))).ToArray(), length, tokens);
        for (var i = 0; i < expected.Length; i++)
        {
            if (float.IsNaN(expected[i]))
            {
                float.IsNaN(destination[i]).Should().BeTrue($"element {i}");
                continue;
            }

            BitConverter.SingleToUInt32Bits(destination[i]).Should().Be(BitConverter.SingleToUInt32Bits(expected[i]), $"element {i} of {expected.Length}, rows of {length}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(896)]
    public void WidenedBFloat16Tile_EveryRowAndTokenCount_MatchesTheScalarTwin(int length)
    {
        var random = new Random(length);
        var w = RandomBFloat16(random, NativeKernels.MaxRows * length, 0.5);
        var x = RandomBFloat16(random, NativeKernels.MaxTokens * length, 1).Select(BFloat16Bits.Value).ToArray();
        var split = SplitActivations.Of(x, length, NativeKernels.MaxTokens);
        CheckTiles(BFloat16WidenedDot.IsAvailable, BFloat16WidenedDot.Status, length, i => Value(w[i]), i => x[i], (rows, tokens, y, accumulate) => WidenedTile(rows, tokens, w, split, length, y, accumulate));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(896)]
    public void BFloat16Tile_EveryRowAndTokenCount_MatchesTheScalarTwin(int length)
    {
        var random = new Random(length);
        var w = RandomBFloat16(random, NativeKernels.MaxRows * length, 0.5);
        var x = RandomBFloat16(random, NativeKernels.MaxTokens * length, 1);
        CheckTiles(BFloat16Dot.IsAvailable, BFloat16Dot.Status, length, i => Value(w[i]), i => Value(x[i]), (rows, tokens, y, accumulate) => BFloat16Tile(rows, tokens, w, x, length, y, accumulate));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(896)]
    public void Float16Tile_EveryRowAndTokenCount_MatchesTheScalarTwin(int length)
    {
        var random = new Random(length);
        var w = RandomFloat16(random, NativeKernels.MaxRows * length);
        var x = Enumerable.Range(0, NativeKernels.MaxTokens * length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        CheckTiles(Float16Dot.IsAvailable, Float16Dot.Status, length, i => (double)BitConverter.UInt16BitsToHalf(w[i]), i => x[i], (rows, tokens, y, accumulate) => Float16Tile(rows, tokens, w, x, length, y, accumulate));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(33)]
    [InlineData(896)]
    public void Gemv_EveryRow_MatchesTheScalarTwin(int length)
    {
        const int rows = 9;
        var random = new Random(length);
        var bf16 = RandomBFloat16(random, rows * length, 0.5);
        var f16 = RandomFloat16(random, rows * length);
        var xb = RandomBFloat16(random, length, 1);
        var xf = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        foreach (var accumulate in new[] { false, true })
        {
            var y = new float[rows + 1];
            if (RequireAvailable(BFloat16Dot.IsAvailable, BFloat16Dot.Status, () => BFloat16Gemv(rows, bf16, xb, length, y, accumulate)))
            {
                y.AsSpan().Fill(0.25f);
                BFloat16Gemv(rows, bf16, xb, length, y, accumulate);
                CheckRows(y, rows, length, accumulate, i => Value(bf16[i]), i => Value(xb[i]), "bf16");
            }

            var xw = xb.Select(BFloat16Bits.Value).ToArray();
            var split = SplitActivations.Of(xw, length, tokens: 1);
            if (RequireAvailable(BFloat16WidenedDot.IsAvailable, BFloat16WidenedDot.Status, () => WidenedGemv(rows, bf16, split, length, y, accumulate)))
            {
                y.AsSpan().Fill(0.25f);
                WidenedGemv(rows, bf16, split, length, y, accumulate);
                CheckRows(y, rows, length, accumulate, i => Value(bf16[i]), i => xw[i], "widened bf16");
            }

            if (RequireAvailable(Float16Dot.IsAvailable, Float16Dot.Status, () => Float16Gemv(rows, f16, xf, length, y, accumulate)))
            {
                y.AsSpan().Fill(0.25f);
                Float16Gemv(rows, f16, xf, length, y, accumulate);
                CheckRows(y, rows, length, accumulate, i => (double)BitConverter.UInt16BitsToHalf(f16[i]), i => xf[i], "f16");
            }
        }
    }

    private static void CheckRows(float[] y, int rows, int length, bool accumulate, Func<int, double> weight, Func<int, double> activation, string kind)
    {
        for (var r = 0; r < rows; r++)
        {
            var expected = (accumulate ? 0.25 : 0) + Enumerable.Range(0, length).Sum(i => weight(r * length + i) * activation(i));
            y[r].Should().BeApproximately((float)expected, 1e-4f, $"{kind}, row {r}, accumulate {accumulate}");
        }

        y[rows].Should().Be(0.25f, $"{kind}: the row past the last was written");
    }

    private delegate void TileCall(int rows, int tokens, float[] y, bool accumulate);

    private static void CheckTiles(bool available, string status, int length, Func<int, double> weight, Func<int, double> activation, TileCall call)
    {
        var y = new float[NativeKernels.MaxTokens * NativeKernels.MaxRows];
        if (!RequireAvailable(available, status, () => call(1, 1, y, false)))
        {
            return;
        }

        for (var rows = 1; rows <= NativeKernels.MaxRows; rows++)
        {
            for (var tokens = 1; tokens <= NativeKernels.MaxTokens; tokens++)
            {
                foreach (var accumulate in new[] { false, true })
                {
                    y.AsSpan().Fill(0.25f);
                    call(rows, tokens, y, accumulate);
                    for (var t = 0; t < NativeKernels.MaxTokens; t++)
                    {
                        for (var r = 0; r < NativeKernels.MaxRows; r++)
                        {
                            var inside = t < tokens && r < rows;
                            var expected = !inside ? 0.25 : (accumulate ? 0.25 : 0) + Enumerable.Range(0, length).Sum(i => weight(r * length + i) * activation(t * length + i));
                            y[t * NativeKernels.MaxRows + r].Should().BeApproximately((float)expected, 1e-4f, $"{rows} rows x {tokens} tokens, accumulate {accumulate}: token {t}, row {r}");
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(5, 1)]
    [InlineData(1, 0)]
    [InlineData(1, 7)]
    public void Tile_OutsideItsShape_IsRefusedByName(int rows, int tokens)
    {
        foreach (var (available, call) in new (bool, Action)[]
        {
            (BFloat16Dot.IsAvailable, () => BFloat16Dot.Tile(rows, tokens, null, 0, null, 0, 0, null, 0, accumulate: false)),
            (Float16Dot.IsAvailable, () => Float16Dot.Tile(rows, tokens, null, 0, null, 0, 0, null, 0, accumulate: false)),
            (BFloat16WidenedDot.IsAvailable, () => BFloat16WidenedDot.Tile(rows, tokens, null, 0, null, 0, 0, null, 0, accumulate: false)),
        })
        {
            if (available)
            {
                call.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*1 to {NativeKernels.MaxRows} rows and 1 to {NativeKernels.MaxTokens} tokens*");
            }
            else
            {
                call.Should().Throw<PlatformNotSupportedException>();
            }
        }
    }

    private static bool CpuHas(params string[] instructions)
    {
        var flags = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("flags", StringComparison.Ordinal))?.Split(' ') ?? []
            : [];
        return OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64 && instructions.All(flags.Contains);
    }

    // True where the kernels run; elsewhere asserts that they refuse, naming the reason.
    private static bool RequireAvailable(bool available, string status, Action call)
    {
        if (available)
        {
            return true;
        }

        call.Should().Throw<PlatformNotSupportedException>().WithMessage($"*{status}*");
        return false;
    }

    // Random magnitudes, exact ties both ways to even, the largest finite value and the signs.
    private static float[] RoundingCases()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 37).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-20, 20)))).ToList();
        values.AddRange([BitConverter.UInt32BitsToSingle(0x3F808000), BitConverter.UInt32BitsToSingle(0x3F818000), BitConverter.UInt32BitsToSingle(0xBF808001),
            BitConverter.UInt32BitsToSingle(0x3F80FFFF), 0f, -0f, 1f, -1f, 3.3895314e38f]);
        return [.. values];
    }

    private static void RoundSplit(float[] source, float[] destination, int length, int tokens)
    {
        fixed (float* s = source, d = destination)
        {
            BFloat16WidenedDot.RoundSplit(s, d, length, tokens);
        }
    }

    private static void WidenedTile(int rows, int tokens, ushort[] w, float[] x, int length, float[] y, bool accumulate)
    {
        fixed (ushort* wp = w)
        fixed (float* xp = x, yp = y)
        {
            BFloat16WidenedDot.Tile(rows, tokens, wp, length, xp, BFloat16WidenedDot.Stride(length), length, yp, NativeKernels.MaxRows, accumulate);
        }
    }

    private static void WidenedGemv(int rows, ushort[] w, float[] x, int length, float[] y, bool accumulate)
    {
        fixed (ushort* wp = w)
        fixed (float* xp = x, yp = y)
        {
            BFloat16WidenedDot.Gemv(rows, wp, length, xp, length, yp, accumulate);
        }
    }

    private static void Round(float[] source, ushort[] destination)
    {
        fixed (float* s = source)
        fixed (ushort* d = destination)
        {
            BFloat16Dot.Round(s, d, source.Length);
        }
    }

    private static void BFloat16Tile(int rows, int tokens, ushort[] w, ushort[] x, int length, float[] y, bool accumulate)
    {
        fixed (ushort* wp = w, xp = x)
        fixed (float* yp = y)
        {
            BFloat16Dot.Tile(rows, tokens, wp, length, xp, length, length, yp, NativeKernels.MaxRows, accumulate);
        }
    }

    private static void Float16Tile(int rows, int tokens, ushort[] w, float[] x, int length, float[] y, bool accumulate)
    {
        fixed (ushort* wp = w)
        fixed (float* xp = x, yp = y)
        {
            Float16Dot.Tile(rows, tokens, wp, length, xp, length, length, yp, NativeKernels.MaxRows, accumulate);
        }
    }

    private static void BFloat16Gemv(int rows, ushort[] w, ushort[] x, int length, float[] y, bool accumulate)
    {
        fixed (ushort* wp = w, xp = x)
        fixed (float* yp = y)
        {
            BFloat16Dot.Gemv(rows, wp, length, xp, length, yp, accumulate);
        }
    }

    private static void Float16Gemv(int rows, ushort[] w, float[] x, int length, float[] y, bool accumulate)
    {
        fixed (ushort* wp = w)
        fixed (float* xp = x, yp = y)
        {
            Float16Dot.Gemv(rows, wp, length, xp, length, yp, accumulate);
        }
    }

    private static ushort[] RandomBFloat16(Random random, int count, double scale) =>
        Enumerable.Range(0, count).Select(_ => (ushort)(BitConverter.SingleToUInt32Bits((float)((random.NextDouble() * 2 - 1) * scale)) >> 16)).ToArray();

    private static ushort[] RandomFloat16(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => BitConverter.HalfToUInt16Bits((Half)(random.NextDouble() - 0.5))).ToArray();

    private static double Value(ushort bits) => BFloat16Bits.Value(bits);
}
