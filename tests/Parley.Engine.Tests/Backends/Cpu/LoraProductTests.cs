using Parley.Engine.Backends.Cpu.Kernels;

namespace Parley.Engine.Tests.Backends.Cpu;

public class LoraProductTests
{
    [Theory]
    [InlineData(0, 1, 8, 8)]
    [InlineData(1, 1, 1, 1)]
    [InlineData(3, 8, 64, 32)]
    [InlineData(5, 16, 67, 9)]
    [InlineData(2, 3, 7, 129)]
    public void Apply_AddsScaledBTimesAX_AsTheScalarReference(int tokens, int rank, int input, int output)
    {
        var random = new Random(tokens * 1000 + rank * 100 + input);
        float[] Draw(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        const int Padding = 5; // output rows wider than the projection, as in the fused buffers
        var stride = output + Padding;
        var x = Draw(tokens * input);
        var a = Draw(rank * input);
        var bTransposed = Draw(rank * output);
        var y = Draw(tokens * stride);
        var expected = Reference(x, tokens, a, bTransposed, rank, 0.75f, y, stride);

        LoraProduct.Apply(x, tokens, a, bTransposed, rank, 0.75f, new float[rank], y, stride);

        y.Zip(expected, (ours, theirs) => Math.Abs(ours - theirs)).DefaultIfEmpty().Max().Should().BeLessThan(1e-5);
    }

    [Fact]
    public void Apply_LeavesTheRowsPaddingAlone()
    {
        var y = new float[2 * 6];
        LoraProduct.Apply([1, 1, 1, 1], 2, [1, 1], [1, 1, 1, 1], rank: 1, scale: 1, new float[1], y, yStride: 6);

        y.Should().Equal(2, 2, 2, 2, 0, 0, 2, 2, 2, 2, 0, 0);
    }

    // y[t, o] + scale·Σ_j Bᵀ[j, o]·Σ_i A[j, i]·x[t, i], in double.
    private static double[] Reference(float[] x, int tokens, float[] a, float[] bTransposed, int rank, float scale, float[] y, int stride)
    {
        int input = a.Length / rank, output = bTransposed.Length / rank;
        var result = y.Select(v => (double)v).ToArray();
        for (var t = 0; t < tokens; t++)
        {
            var shrunk = new double[rank];
            for (var j = 0; j < rank; j++)
            {
                for (var i = 0; i < input; i++)
                {
                    shrunk[j] += (double)a[(j * input) + i] * x[(t * input) + i];
                }
            }

            for (var o = 0; o < output; o++)
            {
                for (var j = 0; j < rank; j++)
                {
                    result[(t * stride) + o] += scale * shrunk[j] * bTransposed[(j * output) + o];
                }
            }
        }

        return result;
    }
}
