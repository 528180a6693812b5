using Parley.Engine.Backends.Cpu;
using Parley.Engine.Models;

namespace Parley.Engine.Tests.Backends.Cpu;

public unsafe class GptqLinearTests
{
    [Theory]
    [InlineData(128, true, false)]
    [InlineData(128, false, false)]
    [InlineData(-1, true, false)]
    [InlineData(128, true, true)]
    [InlineData(64, false, true)]
    public void GptqLinear_MatchesTheDenseProductOfItsDequantisedWeights(int groupSize, bool symmetric, bool actOrder)
    {
        const int rows = 24, columns = 256;
        var random = new Random(groupSize + (symmetric ? 1 : 0) + (actOrder ? 2 : 0));
        var dense = Enumerable.Range(0, rows * columns).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var packed = GptqPacker.Quantize(dense, rows, columns, groupSize, symmetric, actOrder, random);
        var reference = GptqPacker.Dequantize(packed, rows, columns);
        var size = groupSize > 0 ? groupSize : columns;
        var weight = new GptqWeight(Info("qweight", columns / 8, rows), Info("qzeros", columns / size, rows / 8), Info("scales", columns / size, rows), Info("g_idx", columns), size);

        foreach (var tokens in new[] { 1, 2, 5, 6, 7, 13 })
        {
            var x = Enumerable.Range(0, tokens * columns).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var y = new float[tokens * rows];
            fixed (int* qweight = packed.QWeight, qzeros = packed.QZeros)
            fixed (Half* scales = packed.Scales)
            fixed (float* xp = x, yp = y)
            {
                var linear = new GptqLinear(weight, (uint*)qweight, (uint*)qzeros, (byte*)scales, packed.GroupIndex);
                linear.MultiplyRows(xp, null, tokens, yp, rows, 3, 13, accumulate: false);
                linear.MultiplyRows(xp, null, tokens, yp, rows, 13, rows, accumulate: false);
            }

            for (var t = 0; t < tokens; t++)
            {
                y[t * rows].Should().Be(0, "rows before 3 were not asked for");
                for (var r = 3; r < rows; r++)
                {
                    var expected = Enumerable.Range(0, columns).Sum(c => (double)reference[r * columns + c] * x[t * columns + c]);
                    y[t * rows + r].Should().BeApproximately((float)expected, 1e-3f, $"token {t}, row {r}");
                }
            }
        }
    }

    [Fact]
    public void Quantize_RoundTripsEveryWeightWithinHalfAStep()
    {
        const int rows = 8, columns = 128;
        var random = new Random(5);
        var dense = Enumerable.Range(0, rows * columns).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();

        var packed = GptqPacker.Quantize(dense, rows, columns, 128, symmetric: false, actOrder: false, random);
        var restored = GptqPacker.Dequantize(packed, rows, columns);

        for (var r = 0; r < rows; r++)
        {
            var step = (float)packed.Scales[r];
            for (var c = 0; c < columns; c++)
            {
                restored[r * columns + c].Should().BeApproximately(dense[r * columns + c], step / 2 + 1e-6f);
            }
        }

        packed.GroupIndex.Should().Equal(Enumerable.Repeat(0, columns));
    }

    private static TensorInfo Info(string name, params long[] shape) => new(name, SafetensorsDtype.I32, shape, 0, 0);
}
