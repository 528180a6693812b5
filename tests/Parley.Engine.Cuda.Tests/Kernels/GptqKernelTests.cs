// The GPTQ multiplies (gptq_gemv.cu for a few tokens, gptq_unpack.cu then cuBLAS for more, the tensor-core
// gptq_gemm.cu that the GPU check times beside them, splitk_reduce.cu after a split launch) against their CPU twin: the dense weights GptqPacker's packing stands for (Dequantize), times x
// in double. Inputs arrive in a shuffled order, as act-order weights' do after the load-time sort. Shapes leave tails:
// 11 tokens (a full 8-row GEMV tile and part of one; 1 to 3 tokens take the shorter tiles), 70 (a full 64-token GEMM
// tile and part of one), 96 outputs (part of a 64-output tile), groups of 128, 32 and the whole input, and split-K over
// 1 to 3 splits.
using Parley.Engine.Backends.Cuda;
using Parley.Engine.Models;

namespace Parley.Engine.Cuda.Tests.Kernels;

public sealed class GptqKernelTests : KernelHarness
{
    private const int Out = 96, In = 384;

    // 1, 2 and 3 tokens run the 1-, 2- and 4-row GEMV tiles; 11 runs a full 8-row tile and part of one.
    [Theory]
    [InlineData(128, true, 1, 11)]
    [InlineData(128, false, 3, 1)]
    [InlineData(32, false, 2, 3)]
    [InlineData(-1, true, 3, 2)]
    public void GptqGemv_AnyGroupSplitCountAndTileHeight_MatchesTheDenseWeights(int groupSize, bool symmetric, int splits, int tokens)
    {
                var (weight, dense, order) = Pack(groupSize, symmetric);
        var x = Random(tokens * In).Select(v => (Half)v).ToArray();   // the kernels read f16 activations
        var splitLength = In / splits;                                 // whole 128-input chunks
        ulong y = Upload(new float[tokens * Out]), partials = Upload(new float[splits * tokens * Out]);

        Ops.GptqGemv(weight, GptqInput.Activations(Upload(x)), tokens, splits, splitLength, splits > 1 ? partials : y);
        if (splits > 1)
        {
            Ops.SplitKReduce(partials, splits, tokens * Out, y);
        }

        Check($"gptq_gemv ({splits} splits)", Download(y, tokens * Out), Reference(x, dense, order, tokens), tolerance: 1e-4f);
    }

    [Theory]
    [InlineData(128, true, 1, 70)]
    [InlineData(128, false, 2, 70)]
    [InlineData(32, false, 3, 9)]
    [InlineData(-1, true, 1, 64)]
    public void GptqGemm_AnyGroupAndSplitCount_MatchesTheF16RoundedDenseWeights(int groupSize, bool symmetric, int splits, int tokens)
    {
        var (weight, dense, order) = Pack(groupSize, symmetric);
        var x = Random(tokens * In).Select(v => (Half)v).ToArray();
        var splitLength = In / splits;                                 // whole 32-input steps
        ulong y = Upload(new float[tokens * Out]), partials = Upload(new float[splits * tokens * Out]);

        Ops.GptqGemm(weight, GptqInput.Activations(Upload(x)), tokens, splits, splitLength, splits > 1 ? partials : y);
        if (splits > 1)
        {
            Ops.SplitKReduce(partials, splits, tokens * Out, y);
        }

        // The GEMM unpacks each weight to f16 before the tensor cores multiply: the twin rounds the same way.
        var rounded = dense.Select(v => (float)(Half)v).ToArray();
        Check($"gptq_gemm ({splits} splits)", Download(y, tokens * Out), Reference(x, rounded, order, tokens), tolerance: 1e-4f);
    }

    // The unpacked copy is exactly what the other paths multiply by: f16(scale · (q − zero)) per element, in x's
    // column order (the shuffled order here), so cuBLAS reads x as it is.
    [Theory]
    [InlineData(128, true)]
    [InlineData(32, false)]
    [InlineData(-1, false)]
    public void GptqUnpack_WritesTheF16WeightInputMajorInXsColumnOrder(int groupSize, bool symmetric)
    {
        var (weight, dense, order) = Pack(groupSize, symmetric);

        Ops.GptqUnpack(weight, Ops.Unpacked);

        var unpacked = Download<Half>(Ops.Unpacked, In * Out);
        var expected = new float[In * Out];
        for (var s = 0; s < In; s++)
        {
            for (var o = 0; o < Out; o++)
            {
                expected[(order[s] * Out) + o] = (float)(Half)dense[(o * In) + s];
            }
        }

        Check("gptq_unpack", unpacked.Select(v => (float)v).ToArray(), expected, tolerance: 0);
    }

    [Theory]
    [InlineData(128, true, 9)]
    [InlineData(32, false, 70)]
    [InlineData(-1, true, 64)]
    public void UnpackThenCublas_AnyGroup_MatchesTheF16RoundedDenseWeights(int groupSize, bool symmetric, int tokens)
    {
        var (weight, dense, order) = Pack(groupSize, symmetric);
        var x = Random(tokens * In).Select(v => (Half)v).ToArray();
        ulong y = Upload(new float[tokens * Out]);
        var plan = GptqLaunchPlan.For(tokens, In, Out, EmulatedMultiprocessors);

        GptqCudaLinear.Run(Ops, weight, plan, GptqInput.Activations(Upload(x)), tokens, y);

        plan.Kernel.Should().Be(GptqKernel.UnpackThenCublas);
        var rounded = dense.Select(v => (float)(Half)v).ToArray();
        Check("gptq_unpack + cuBLAS", Download(y, tokens * Out), Reference(x, rounded, order, tokens), tolerance: 1e-4f);
    }

    // The down projection's fused SwiGLU: the kernels compute silu(gate) · up as they load it, rounded to f16 as
    // silu_and_mul would have stored it. The twin is SiluAndMul (the CPU kernel) then the same rounding; an input whose
    // f32 value lands within an ulp of an f16 rounding boundary may round the other way there, which moves an output by
    // at most 2^-11 of one product: 2e-3 bounds that, and a wrong element, token or order is off by ~0.1 or more.
    [Theory]
    [InlineData(5, 2)]
    [InlineData(20, 1)]
    [InlineData(70, 3)]
    public void GptqMultiply_SiluOfGateAndUp_MatchesSiluAndMulThenTheMultiply(int tokens, int splits)
    {
        var (weight, dense, order) = Pack(128, symmetric: true);
        float[] gate = Random(tokens * In).Select(v => 4 * v).ToArray(), up = Random(tokens * In);
        var activated = new float[tokens * In];
        Parley.Engine.Backends.Cpu.Kernels.SiluAndMul.Apply(gate, up, activated);
        var x = activated.Select(v => (Half)v).ToArray();
        ulong y = Upload(new float[tokens * Out]), partials = Upload(new float[splits * tokens * Out]), target = splits > 1 ? partials : y;
        var input = GptqInput.SiluOf(Upload(gate), Upload(up));

        if (tokens <= GptqLaunchPlan.GemvMaxTokens)
        {
            Ops.GptqGemv(weight, input, tokens, splits, In / splits, target);
        }
        else
        {
            Ops.GptqGemm(weight, input, tokens, splits, In / splits, target);
        }

        if (splits > 1)
        {
            Ops.SplitKReduce(partials, splits, tokens * Out, y);
        }

        var weights = tokens <= GptqLaunchPlan.GemvMaxTokens ? dense : dense.Select(v => (float)(Half)v).ToArray();
        Check($"gptq silu-gated ({tokens} tokens, {splits} splits)", Download(y, tokens * Out), Reference(x, weights, order, tokens), tolerance: 2e-3f);
    }

    [Fact]
    public void SplitKReduce_AddsEverySplitInOrder()
    {
        const int Splits = 3, Count = 1000;
        var partial = Random(Splits * Count);
        ulong y = Upload(new float[Count]);

        Ops.SplitKReduce(Upload(partial), Splits, Count, y);

        var expected = Enumerable.Range(0, Count).Select(i => partial[i] + partial[Count + i] + partial[(2 * Count) + i]).ToArray();
        Check("splitk_reduce", Download(y, Count), expected, tolerance: 0);
    }

    // A random weight packed by GptqPacker, on the device with a shuffled input order; dense is [out, in] in sorted order.
    private (GptqDeviceWeight Weight, float[] Dense, int[] Order) Pack(int groupSize, bool symmetric)
    {
        var tensors = GptqPacker.Quantize(Random(Out * In), Out, In, groupSize, symmetric, actOrder: false, Rng);
        var order = Enumerable.Range(0, In).OrderBy(_ => Rng.Next()).ToArray();
        var size = groupSize > 0 ? groupSize : In;   // the kernels take the group's length, as ModelWeights gives it
        var weight = new GptqDeviceWeight(Upload(tensors.QWeight), Upload(tensors.QZeros), Upload(tensors.Scales), Upload(order), In, Out, size);
        return (weight, GptqPacker.Dequantize(tensors, Out, In), order);
    }

    // y[t, o] = Σ_s dense[o, s] · x[t, order[s]]: sorted input s reads x's column order[s].
    private static float[] Reference(Half[] x, float[] dense, int[] order, int tokens)
    {
        var expected = new float[tokens * Out];
        for (var t = 0; t < tokens; t++)
        {
            for (var o = 0; o < Out; o++)
            {
                var sum = 0.0;
                for (var s = 0; s < In; s++)
                {
                    sum += (double)(float)x[(t * In) + order[s]] * dense[(o * In) + s];
                }

                expected[(t * Out) + o] = (float)sum;
            }
        }

        return expected;
    }
}
