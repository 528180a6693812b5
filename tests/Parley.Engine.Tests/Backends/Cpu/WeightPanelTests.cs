using Parley.Engine.Backends.Cpu;
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Models;

namespace Parley.Engine.Tests.Backends.Cpu;

// f16 and bf16 weights rearranged into panels of 16 rows (WeightPanels, PanelLinear): the rearrangement loses no row,
// the products over any run of rows match a double-precision twin over the stored weights (and for bf16 the activations
// rounded to bf16) and leave every other output alone, and a token's outputs are bit for bit the same whatever else is
// in its batch. On a CPU without AVX-512 the products instead refuse to run and say why.
public unsafe class WeightPanelTests
{
    [Theory]
    [InlineData("f16", 1, 1)]
    [InlineData("f16", 15, 7)]
    [InlineData("f16", 16, 33)]
    [InlineData("bf16", 17, 5)]
    [InlineData("bf16", 40, 64)]
    public void Pack_ThenWidenRow_GivesBackEveryRow(string dtypeName, int rows, int columns)
    {
        var dtype = Dtype(dtypeName);
        var w = RandomWeights(dtype, new Random(rows * 100 + columns), rows * columns);
        var packed = (ushort[])w.Clone();
        var row = new float[columns];
        fixed (ushort* p = packed)
        {
            WeightPanels.Pack(p, rows, columns);
            if (rows > 1)
            {
                packed.Should().NotEqual(w, "rows of a panel are interleaved column by column");
            }

            for (var r = 0; r < rows; r++)
            {
                WeightPanels.WidenRow(dtype, p, rows, columns, r, row);
                row.Should().Equal(Enumerable.Range(0, columns).Select(k => Value(dtype, w[r * columns + k])), $"row {r} of {rows}");
            }
        }
    }

    [Theory]
    [InlineData("f16", 1, 0, 40)]
    [InlineData("f16", 2, 0, 40)]
    [InlineData("f16", 5, 3, 37)]
    [InlineData("f16", 16, 18, 21)]
    [InlineData("f16", 17, 32, 40)]
    [InlineData("f16", 33, 16, 32)]
    [InlineData("f16", 1, 5, 34)]
    [InlineData("f16", 16, 0, 17)]
    [InlineData("bf16", 1, 0, 40)]
    [InlineData("bf16", 1, 5, 34)]
    [InlineData("bf16", 5, 3, 37)]
    [InlineData("bf16", 33, 16, 32)]
    public void MultiplyRows_AnyRunOfRows_MatchesTheDoublePrecisionTwin(string dtypeName, int tokens, int rowBegin, int rowEnd)
    {
        const int rows = 40, columns = 37;
        Check(Dtype(dtypeName), rows, columns, tokens, rowBegin, rowEnd);
    }

    // Rows of 2,048 weights make blocks of 64 rows (CpuLinear.TileBlockRows), so 200 rows take four blocks, each
    // prefetching the next, and 40 tokens three token tiles over each.
    [Theory]
    [InlineData("f16", 40, 0, 200)]
    [InlineData("f16", 16, 48, 200)]
    [InlineData("f16", 3, 8, 120)]
    [InlineData("bf16", 40, 0, 200)]
    public void MultiplyRows_OverSeveralBlocks_MatchesTheDoublePrecisionTwin(string dtypeName, int tokens, int rowBegin, int rowEnd) =>
        Check(Dtype(dtypeName), 200, 2048, tokens, rowBegin, rowEnd);

    [Theory]
    [InlineData("f16")]
    [InlineData("bf16")]
    public void ATokensOutputs_AreBitForBitTheSameAloneAsInAnyBatch(string dtypeName)
    {
        var dtype = Dtype(dtypeName);
        const int rows = 40, columns = 96, tokens = 33;
        var random = new Random(11);
        var x = Enumerable.Range(0, tokens * columns).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        using var linear = new PackedLinear(dtype, RandomWeights(dtype, random, rows * columns), rows, columns);
        if (!RequireAvailable(() => linear.Multiply(x, 1, 0, rows, new float[rows], accumulate: false)))
        {
            return;
        }

        var batch = new float[tokens * rows];
        linear.Multiply(x, tokens, 0, rows, batch, accumulate: false);
        foreach (var count in new[] { 1, 2, 7, 16 })
        {
            for (var t = 0; t + count <= tokens; t += count)
            {
                var part = new float[count * rows];
                linear.Multiply(x.AsSpan(t * columns, count * columns).ToArray(), count, 0, rows, part, accumulate: false);
                part.Should().Equal(batch.AsSpan(t * rows, count * rows).ToArray(), $"tokens {t} to {t + count - 1} alone against in the batch of {tokens}");
            }
        }
    }

    [Theory]
    [InlineData(1, new[] { 1 })]
    [InlineData(16, new[] { 16 })]
    [InlineData(17, new[] { 9, 8 })]
    [InlineData(33, new[] { 11, 11, 11 })]
    [InlineData(35, new[] { 12, 12, 11 })]
    public void TileTokens_SplitsIntoTheFewestTilesOfNearEqualSize(int tokens, int[] counts)
    {
        var tiles = Enumerable.Range(0, WeightPanels.TileCount(tokens)).Select(tile => (First: WeightPanels.TileTokens(tokens, tile, out var count), Count: count)).ToArray();
        tiles.Select(tile => tile.Count).Should().Equal(counts);
        tiles.Select(tile => tile.First).Should().Equal(counts.Select((_, i) => counts.Take(i).Sum()));
    }

    // Each range of inputs, written on its own (as LinearJob's threads do), lands where the tiles read it.
    [Theory]
    [InlineData(35)]
    [InlineData(16)]
    [InlineData(3)]
    public void Interleave_PutsEachTilesTokensSideBySide(int tokens)
    {
        const int length = 70;
        var x = Enumerable.Range(0, tokens * length).Select(i => (float)i).ToArray();
        var interleaved = Enumerable.Repeat(float.NaN, x.Length).ToArray();
        if (!RequireAvailable(() => Interleave(x, interleaved, length, tokens, 0, length)))
        {
            return;
        }

        fixed (float* xp = x, ip = interleaved)
        {
            foreach (var (begin, end) in new[] { (0, 7), (7, 64), (64, 70) })
            {
                WeightPanels.Interleave(xp, ip, length, tokens, begin, end, round: false);
            }
        }

        for (var tile = 0; tile < WeightPanels.TileCount(tokens); tile++)
        {
            var first = WeightPanels.TileTokens(tokens, tile, out var count);
            for (var t = first; t < first + count; t++)
            {
                for (var k = 0; k < length; k++)
                {
                    interleaved[first * length + k * count + t - first].Should().Be(x[t * length + k], $"token {t}, input {k}");
                }
            }
        }
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(17, 1)]
    [InlineData(16, 0)]
    [InlineData(16, 17)]
    public void Tile_OutsideItsShape_IsRefusedByName(int lanes, int tokens)
    {
        RequireRefused(() => WeightPanels.Tile(PanelDtype.Float16, lanes, tokens, null, 0, null, null, 0, accumulate: false, stored: 0xFFFF), "*1 to 16 rows and 1 to 16 tokens*");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void TilePair_OutsideItsShape_IsRefusedByName(int tokens)
    {
        RequireRefused(() => WeightPanels.TilePair(PanelDtype.BFloat16, tokens, null, 0, null, null, 0, accumulate: false), "*two panels holds 1 to 8 tokens*");
    }

    // Where the kernels run, a shape outside their range is refused with the message; elsewhere the call is, naming why.
    private static void RequireRefused(Action call, string message)
    {
        if (WeightPanels.IsAvailable)
        {
            call.Should().Throw<ArgumentOutOfRangeException>().WithMessage(message);
        }
        else
        {
            call.Should().Throw<PlatformNotSupportedException>().WithMessage($"*{WeightPanels.Status}*");
        }
    }

    private static void Check(PanelDtype dtype, int rows, int columns, int tokens, int rowBegin, int rowEnd)
    {
        var random = new Random(rows + columns + tokens + rowBegin);
        var w = RandomWeights(dtype, random, rows * columns);
        var x = Enumerable.Range(0, tokens * columns).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        // What the products multiply: bf16 panels read the activations rounded to bf16.
        var read = dtype == PanelDtype.Float16 ? x : x.Select(v => BFloat16Bits.Value(BFloat16Bits.Round(v))).ToArray();
        using var linear = new PackedLinear(dtype, w, rows, columns);
        var y = new float[tokens * rows];
        if (!RequireAvailable(() => linear.Multiply(x, tokens, rowBegin, rowEnd, y, accumulate: false)))
        {
            return;
        }

        foreach (var accumulate in new[] { false, true })
        {
            y.AsSpan().Fill(0.25f);
            linear.Multiply(x, tokens, rowBegin, rowEnd, y, accumulate);
            for (var t = 0; t < tokens; t++)
            {
                for (var r = 0; r < rows; r++)
                {
                    var inside = r >= rowBegin && r < rowEnd;
                    var expected = !inside ? 0.25
                        : (accumulate ? 0.25 : 0) + Enumerable.Range(0, columns).Sum(k => (double)Value(dtype, w[r * columns + k]) * read[t * columns + k]);
                    y[t * rows + r].Should().BeApproximately((float)expected, 2e-4f * (1 + (float)Math.Sqrt(columns / 64.0)),
                        $"{dtype}, rows [{rowBegin}, {rowEnd}) of {rows}, {tokens} tokens, accumulate {accumulate}: token {t}, row {r}");
                }
            }
        }
    }

    // True where the kernels run; elsewhere asserts that they refuse, naming the reason.
    private static bool RequireAvailable(Action call)
    {
        if (WeightPanels.IsAvailable)
        {
            return true;
        }

        call.Should().Throw<PlatformNotSupportedException>().WithMessage($"*{WeightPanels.Status}*");
        return false;
    }

    private static void Interleave(float[] x, float[] destination, int length, int tokens, int begin, int end)
    {
        fixed (float* xp = x, dp = destination)
        {
            WeightPanels.Interleave(xp, dp, length, tokens, begin, end, round: false);
        }
    }

    private static PanelDtype Dtype(string name) => name == "f16" ? PanelDtype.Float16 : PanelDtype.BFloat16;

    private static ushort[] RandomWeights(PanelDtype dtype, Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (random.NextDouble() * 2 - 1) * 0.5)
            .Select(v => dtype == PanelDtype.Float16 ? BitConverter.HalfToUInt16Bits((Half)v) : BFloat16Bits.Round((float)v)).ToArray();

    private static float Value(PanelDtype dtype, ushort bits) => dtype == PanelDtype.Float16 ? (float)BitConverter.UInt16BitsToHalf(bits) : BFloat16Bits.Value(bits);

    // A PanelLinear over its own copy of the weights, which it rearranges in place.
    private sealed class PackedLinear : IDisposable
    {
        private readonly ushort* _weights;
        private readonly PanelLinear? _linear;
        private readonly PanelDtype _dtype;
        private readonly int _rows;

        public PackedLinear(PanelDtype dtype, ushort[] weights, int rows, int columns)
        {
            _dtype = dtype;
            _rows = rows;
            _weights = (ushort*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)weights.Length, sizeof(ushort));
            weights.CopyTo(new Span<ushort>(_weights, weights.Length));
            _linear = new PanelLinear(dtype, (byte*)_weights, columns, rows);
        }

        // As LinearJob does: the activations interleaved first, and for bf16 rounded (CpuLinear.PreparedActivations).
        public void Multiply(float[] x, int tokens, int rowBegin, int rowEnd, float[] y, bool accumulate)
        {
            var interleaved = new float[x.Length];
            var round = _dtype == PanelDtype.BFloat16;
            fixed (float* xp = x, ip = interleaved, yp = y)
            {
                WeightPanels.Interleave(xp, ip, x.Length / tokens, tokens, 0, x.Length / tokens, round);
                _linear!.MultiplyRows(xp, ip, tokens, yp, _rows, rowBegin, rowEnd, accumulate);
            }
        }

        public void Dispose() => System.Runtime.InteropServices.NativeMemory.Free(_weights);
    }
}
