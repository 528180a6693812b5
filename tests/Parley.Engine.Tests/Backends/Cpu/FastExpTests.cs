using System.Runtime.Intrinsics;
using Parley.Engine.Backends.Cpu.Kernels;

namespace Parley.Engine.Tests.Backends.Cpu;

public class FastExpTests
{
    private static float[] Exp(params float[] x)
    {
        var result = new float[x.Length];
        for (var i = 0; i < x.Length; i += Vector512<float>.Count)
        {
            var lanes = new float[Vector512<float>.Count];
            Array.Copy(x, i, lanes, 0, Math.Min(lanes.Length, x.Length - i));
            var e = FastExp.Exp(Vector512.Create(lanes));
            for (var j = 0; j < lanes.Length && i + j < x.Length; j++)
            {
                result[i + j] = e.GetElement(j);
            }
        }

        return result;
    }

    [Fact]
    public void Exp_WithinTwoUlpsOfTheTrueValue_AcrossTheFloatRange()
    {
        if (!FastExp.IsSupported)
        {
            return; // the callers take the library's exponential where AVX-512 is missing
        }

        var x = Enumerable.Range(0, 200_000).Select(i => -87f + i * (175.5f / 200_000)).ToArray();
        var e = Exp(x);

        for (var i = 0; i < x.Length; i++)
        {
            var exact = Math.Exp(x[i]);
            var ulp = Math.Abs(MathF.BitIncrement((float)exact) - (float)exact);
            Math.Abs(e[i] - exact).Should().BeLessThanOrEqualTo(2 * ulp, $"e^{x[i]} is {exact}");
        }
    }

    [Fact]
    public void Exp_AtTheEdges_IsOneInfinityZeroOrNaN()
    {
        if (!FastExp.IsSupported)
        {
            return;
        }

        var e = Exp(0, 89, 1000, float.PositiveInfinity, -104, -1000, float.NegativeInfinity, float.NaN, -100);

        e[0].Should().Be(1);
        e[1..4].Should().OnlyContain(v => float.IsPositiveInfinity(v));
        e[4..7].Should().OnlyContain(v => v == 0);
        float.IsNaN(e[7]).Should().BeTrue();
        e[8].Should().BeApproximately((float)Math.Exp(-100), 1e-44f, "e^-100 is a denormal");
    }
}
