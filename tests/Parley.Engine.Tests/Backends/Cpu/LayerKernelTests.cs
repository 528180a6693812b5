using Parley.Engine.Backends.Cpu;
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Models;

namespace Parley.Engine.Tests.Backends.Cpu;

public unsafe class LayerKernelTests
{
    [Fact]
    public void Rope_WithoutScaling_UsesThetaToTheMinusTwoIOverD()
    {
        var rope = new Rope(8, 10000, scaling: null);

        rope.InverseFrequencies.ToArray().Should().Equal(Enumerable.Range(0, 4).Select(i => 1f / MathF.Pow(10000f, 2f * i / 8)));
    }

    [Fact]
    public void Rope_Llama3Scaling_KeepsHighFrequenciesSlowsLowOnesAndBlendsBetween()
    {
        var scaling = new Llama3RopeScaling(Factor: 8, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositionEmbeddings: 8192);
        var plain = new Rope(128, 500000, null).InverseFrequencies.ToArray();
        var scaled = new Rope(128, 500000, scaling).InverseFrequencies.ToArray();

        for (var i = 0; i < plain.Length; i++)
        {
            var wavelength = 2 * Math.PI / plain[i];
            if (wavelength < 8192 / 4.0)
            {
                scaled[i].Should().Be(plain[i]);
            }
            else if (wavelength > 8192)
            {
                scaled[i].Should().BeApproximately(plain[i] / 8, plain[i] * 1e-6f);
            }
            else
            {
                scaled[i].Should().BeInRange(plain[i] / 8, plain[i]);
            }
        }

        scaled.Should().Contain(value => plain.Contains(value)).And.Contain(value => !plain.Contains(value));
    }

    [Fact]
    public void Rope_RotatesDimensionIWithIPlusHalf()
    {
        var rope = new Rope(4, 10000, null);
        float[] cos = new float[2], sin = new float[2], head = [1, 2, 3, 4];
        rope.Angles(3, cos, sin);

        Rope.Apply(head, cos, sin);

        var f = rope.InverseFrequencies.ToArray();
        head[0].Should().BeApproximately(1 * MathF.Cos(3 * f[0]) - 3 * MathF.Sin(3 * f[0]), 1e-6f);
        head[2].Should().BeApproximately(3 * MathF.Cos(3 * f[0]) + 1 * MathF.Sin(3 * f[0]), 1e-6f);
        head[1].Should().BeApproximately(2 * MathF.Cos(3 * f[1]) - 4 * MathF.Sin(3 * f[1]), 1e-6f);
    }

    // Heads of 64 and 128 rotate eight pairs at a time only; 80 leaves pairs to the scalar loop; 6 has none for the
    // vectors. Every value is bit for bit the scalar formula's.
    [Theory]
    [InlineData(6)]
    [InlineData(64)]
    [InlineData(80)]
    [InlineData(128)]
    public void Rope_Apply_IsBitForBitTheScalarRotation(int headDim)
    {
        var rope = new Rope(headDim, 10000, null);
        var half = headDim / 2;
        float[] cos = new float[half], sin = new float[half];
        rope.Angles(1234, cos, sin);
        var head = Enumerable.Range(0, headDim).Select(i => MathF.Sin(i * 0.37f) * 3).ToArray();
        var expected = new float[headDim];
        for (var i = 0; i < half; i++)
        {
            expected[i] = head[i] * cos[i] - head[i + half] * sin[i];
            expected[i + half] = head[i + half] * cos[i] + head[i] * sin[i];
        }

        Rope.Apply(head, cos, sin);

        head.Should().Equal(expected);
    }

    [Fact]
    public void Rope_Apply_WithTooFewAngles_Throws()
    {
        var apply = () => Rope.Apply(new float[16], new float[7], new float[8]);

        apply.Should().Throw<ArgumentException>().WithMessage("*16*8 cosines*");
    }

    // Lengths with and without a partial last vector; gates far enough out that e^-g overflows or vanishes.
    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(4864)]
    [InlineData(4867)]
    public void SiluAndMul_WithinAFewUlpsOfTheDefinition(int length)
    {
        var gate = Enumerable.Range(0, length).Select(i => (float)(Math.Sin(i * 0.71) * (i % 7 == 0 ? 120 : 9))).ToArray();
        var up = Enumerable.Range(0, length).Select(i => (float)Math.Cos(i * 0.37) * 2).ToArray();
        var destination = new float[length];

        SiluAndMul.Apply(gate, up, destination);

        for (var i = 0; i < length; i++)
        {
            var exact = gate[i] / (1 + Math.Exp(-(double)gate[i])) * up[i];
            destination[i].Should().BeApproximately((float)exact, (float)(Math.Abs(exact) * 1e-6 + 1e-30), $"silu({gate[i]}) * {up[i]}");
        }
    }

    [Fact]
    public void SiluAndMul_MatchesTheDefinition()
    {
        float[] gate = [-3, -0.5f, 0, 0.5f, 3, 20, -20, 1, 2], up = [1, 2, 3, 4, 5, 6, 7, 8, 9], destination = new float[9];

        SiluAndMul.Apply(gate, up, destination);

        for (var i = 0; i < gate.Length; i++)
        {
            destination[i].Should().BeApproximately((float)(gate[i] / (1 + Math.Exp(-gate[i])) * up[i]), 1e-5f);
        }
    }

    // Heads of 8 floats take the library-call path; 16, 64 and 128 the inline one (AVX-512), over contexts that end
    // at, before and after a block boundary.
    [Theory]
    [InlineData(1, 1, 8)]
    [InlineData(16, 2, 8)]
    [InlineData(37, 4, 8)]
    [InlineData(1, 1, 16)]
    [InlineData(17, 7, 64)]
    [InlineData(32, 2, 64)]
    [InlineData(47, 4, 128)]
    [InlineData(40, 3, 80)]
    [InlineData(33, 2, 48)]
    public void PagedAttention_MatchesSoftmaxAttentionOverTheSameKeysInOrder(int context, int groupSize, int headDim)
    {
        const int kvHeads = 2, kvHead = 1;
        var random = new Random(context);
        using var cache = new PagedKvCache(layers: 1, blockCount: 8, kvHeads, headDim);
        int[] table = [5, 2, 7];
        var keys = new float[context][];
        var values = new float[context][];
        for (var p = 0; p < context; p++)
        {
            var k = Enumerable.Range(0, kvHeads * headDim).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            var v = Enumerable.Range(0, kvHeads * headDim).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            fixed (float* kp = k, vp = v)
            {
                cache.Write(0, table, p, kp, vp);
            }

            keys[p] = k[(kvHead * headDim)..((kvHead + 1) * headDim)];
            values[p] = v[(kvHead * headDim)..((kvHead + 1) * headDim)];
        }

        var queries = Enumerable.Range(0, groupSize * headDim).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var output = new float[groupSize * headDim];
        var scores = new float[groupSize * context];
        fixed (float* q = queries, o = output, s = scores)
        {
            PagedAttention.Compute(q, cache.Keys(0), cache.Values(0), table, context, kvHead, cache, groupSize, s, o);
        }

        for (var h = 0; h < groupSize; h++)
        {
            var logits = keys.Select(k => Enumerable.Range(0, headDim).Sum(i => (double)queries[h * headDim + i] * k[i]) / Math.Sqrt(headDim)).ToArray();
            var weights = logits.Select(l => Math.Exp(l - logits.Max())).ToArray();
            for (var i = 0; i < headDim; i++)
            {
                var expected = Enumerable.Range(0, context).Sum(p => weights[p] * values[p][i]) / weights.Sum();
                output[h * headDim + i].Should().BeApproximately((float)expected, 1e-5f);
            }
        }
    }

    [Fact]
    public void PagedKvCache_WriteToTheNullBlock_IsRefused()
    {
        using var cache = new PagedKvCache(1, 4, 1, 2);
        var act = () =>
        {
            var kv = new float[2];
            fixed (float* p = kv)
            {
                cache.Write(0, [0], 0, p, p);
            }
        };

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*1 to 3*");
    }
}
