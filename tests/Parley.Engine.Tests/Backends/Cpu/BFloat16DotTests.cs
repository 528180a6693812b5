using System.Runtime.InteropServices;
using Parley.Engine.Backends.Cpu.Kernels;

namespace Parley.Engine.Tests.Backends.Cpu;

// The native AVX-512 BF16 kernels (Native/bf16_dot.cc) against scalar twins: rounding to bf16 bit for bit, and the
// tiles to float32 order (1e-4 at these sizes, as TileDotTests) over the activations as rounded. On a CPU without
// AVX-512 BF16 each of them instead checks that the kernels refuse to run and say why.
public unsafe class BFloat16DotTests
{
    [Fact]
    public void TheNativeKernels_AreAvailableExactlyWhereTheCpuHasAvx512Bf16()
    {
        var flags = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("flags", StringComparison.Ordinal))?.Split(' ') ?? []
            : [];
        var cpuHasThem = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64
            && new[] { "avx512f", "avx512bw", "avx512vl", "avx512_bf16" }.All(flags.Contains);

        BFloat16Dot.IsAvailable.Should().Be(cpuHasThem, $"the library should be built and loaded wherever the CPU runs it ({BFloat16Dot.Status})");
    }

    [Fact]
    public void Round_IsRoundToNearestEven_BitForBit()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 37).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-20, 20)))).ToList();
        // Exact ties, both ways to even, the largest finite values and the signs.
        values.AddRange([BitConverter.UInt32BitsToSingle(0x3F808000), BitConverter.UInt32BitsToSingle(0x3F818000), BitConverter.UInt32BitsToSingle(0xBF808001),
            BitConverter.UInt32BitsToSingle(0x3F80FFFF), 0f, -0f, 1f, -1f, 3.3895314e38f]);
        var source = values.ToArray();
        var destination = new ushort[source.Length];
        if (!RequireAvailable(() => Round(source, destination)))
        {
            return;
        }

        Round(source, destination);

        for (var i = 0; i < source.Length; i++)
        {
            var bits = BitConverter.SingleToUInt32Bits(source[i]);
            destination[i].Should().Be((ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16), $"{source[i]:R} (0x{bits:X8}), element {i} of {source.Length}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(896)]
    public void Tile_EveryRowAndTokenCount_MatchesTheScalarTwin(int length)
    {
        var random = new Random(length);
        var w = RandomBFloat16(random, BFloat16Dot.MaxRows * length, 0.5);
        var x = RandomBFloat16(random, BFloat16Dot.MaxTokens * length, 1);
        var y = new float[BFloat16Dot.MaxTokens * BFloat16Dot.MaxRows];
        if (!RequireAvailable(() => Tile(1, 1, w, x, length, y, accumulate: false)))
        {
            return;
        }

        for (var rows = 1; rows <= BFloat16Dot.MaxRows; rows++)
        {
            for (var tokens = 1; tokens <= BFloat16Dot.MaxTokens; tokens++)
            {
                foreach (var accumulate in new[] { false, true })
                {
                    y.AsSpan().Fill(0.25f);
                    Tile(rows, tokens, w, x, length, y, accumulate);
                    for (var t = 0; t < BFloat16Dot.MaxTokens; t++)
                    {
                        for (var r = 0; r < BFloat16Dot.MaxRows; r++)
                        {
                            var inside = t < tokens && r < rows;
                            var expected = !inside ? 0.25 : (accumulate ? 0.25 : 0) + Enumerable.Range(0, length).Sum(i => Value(w[r * length + i]) * Value(x[t * length + i]));
                            y[t * BFloat16Dot.MaxRows + r].Should().BeApproximately((float)expected, 1e-4f, $"{rows} rows x {tokens} tokens, accumulate {accumulate}: token {t}, row {r}");
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
        var call = () => BFloat16Dot.Tile(rows, tokens, null, 0, null, 0, 0, null, 0, accumulate: false);
        if (BFloat16Dot.IsAvailable)
        {
            call.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*1 to {BFloat16Dot.MaxRows} rows and 1 to {BFloat16Dot.MaxTokens} tokens*");
        }
        else
        {
            call.Should().Throw<PlatformNotSupportedException>();
        }
    }

    // True where the kernels run; elsewhere asserts that they refuse, naming the reason.
    private static bool RequireAvailable(Action call)
    {
        if (BFloat16Dot.IsAvailable)
        {
            return true;
        }

        call.Should().Throw<PlatformNotSupportedException>().WithMessage($"*{BFloat16Dot.Status}*");
        return false;
    }

    private static void Round(float[] source, ushort[] destination)
    {
        fixed (float* s = source)
        fixed (ushort* d = destination)
        {
            BFloat16Dot.Round(s, d, source.Length);
        }
    }

    private static void Tile(int rows, int tokens, ushort[] w, ushort[] x, int length, float[] y, bool accumulate)
    {
        fixed (ushort* wp = w, xp = x)
        fixed (float* yp = y)
        {
            BFloat16Dot.Tile(rows, tokens, wp, length, xp, length, length, yp, BFloat16Dot.MaxRows, accumulate);
        }
    }

    private static ushort[] RandomBFloat16(Random random, int count, double scale) =>
        Enumerable.Range(0, count).Select(_ => (ushort)(BitConverter.SingleToUInt32Bits((float)((random.NextDouble() * 2 - 1) * scale)) >> 16)).ToArray();

    private static double Value(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);
}
