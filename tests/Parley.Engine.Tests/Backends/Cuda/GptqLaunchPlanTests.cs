using Parley.Engine.Backends.Cuda;

namespace Parley.Engine.Tests.Backends.Cuda;

public sealed class GptqLaunchPlanTests
{
    private const int H100Multiprocessors = 132;

    [Theory]
    [InlineData(1, false)]
    [InlineData(8, false)]
    [InlineData(9, true)]
    [InlineData(1000, true)]
    public void For_AFewTokensRunTheGemv_MoreUnpackForCublas(int tokens, bool unpacks)
    {
        var plan = GptqLaunchPlan.For(tokens, 4096, 4096, H100Multiprocessors);
        var kernel = unpacks ? GptqKernel.UnpackThenCublas : GptqKernel.Gemv;

        plan.Kernel.Should().Be(kernel);
        GptqLaunchPlan.Unpacks(tokens).Should().Be(kernel == GptqKernel.UnpackThenCublas);
        GptqCudaLinear.FusesSiluAt(tokens).Should().Be(kernel == GptqKernel.Gemv, "only the GEMV computes the SwiGLU as it loads");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 8)]
    [InlineData(8, 8)]
    public void GemvRows_IsTheShortestTileThatHoldsTheBatch(int tokens, int rows)
    {
        GptqLaunchPlan.GemvRows(tokens).Should().Be(rows);
    }

    [Fact]
    public void For_Batch1KvProjectionOfAn8BModel_SplitsUntilTheSmsHaveWork()
    {
        // Llama-3-8B's k projection: 4,096 inputs, 1,024 outputs, 4 GEMV blocks unsplit.
        var plan = GptqLaunchPlan.For(1, 4096, 1024, H100Multiprocessors);

        plan.Splits.Should().Be(GptqLaunchPlan.MaxSplits);
        plan.SplitLength.Should().Be(GptqLaunchPlan.GemvChunk);
        (plan.Splits * plan.SplitLength).Should().BeGreaterThanOrEqualTo(4096);
    }

    [Fact]
    public void For_APrefillWithManyTiles_DoesNotSplit()
    {
        GptqLaunchPlan.For(1000, 4096, 14336, H100Multiprocessors).Splits.Should().Be(1);
        GptqLaunchPlan.TensorCoreGemm(1000, 4096, 14336, H100Multiprocessors).Splits.Should().Be(1);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(32)]
    public void For_ManyTokensAgainstFewInputs_KeepsThePartialsUnderAnEighthOfTheWeight(int tokens)
    {
        var plan = GptqLaunchPlan.TensorCoreGemm(tokens, 4096, 1024, H100Multiprocessors);

        var partialBytes = 2L * plan.Splits * tokens * 1024 * 4;
        var weightBytes = 4096L * 1024 / 2;
        (plan.Splits == 1 || partialBytes <= weightBytes).Should().BeTrue($"{plan.Splits} splits of {tokens} tokens write {partialBytes} bytes of partials against {weightBytes} of weight");
    }

    [Theory]
    [InlineData(1, 4096, 1024, false)]
    [InlineData(3, 14336, 4096, false)]
    [InlineData(8, 4096, 1024, false)]
    [InlineData(20, 4096, 1024, true)]
    [InlineData(50, 256, 64, true)]
    public void For_EverySplitIsWholeStepsAndNoSplitIsEmpty(int tokens, int inFeatures, int outFeatures, bool tensorCoreGemm)
    {
        var plan = tensorCoreGemm
            ? GptqLaunchPlan.TensorCoreGemm(tokens, inFeatures, outFeatures, H100Multiprocessors)
            : GptqLaunchPlan.For(tokens, inFeatures, outFeatures, H100Multiprocessors);

        plan.SplitLength.Should().BePositive();
        (plan.SplitLength % (tensorCoreGemm ? GptqLaunchPlan.GemmStep : GptqLaunchPlan.GemvChunk)).Should().Be(0);
        ((plan.Splits - 1) * plan.SplitLength).Should().BeLessThan(inFeatures, "the last split starts inside the inputs");
        (plan.Splits * plan.SplitLength).Should().BeGreaterThanOrEqualTo(inFeatures, "the splits cover every input");
    }

    [Fact]
    public void PartialElements_IsTheLargestSplitLaunchOfTheShape()
    {
        var expected = Enumerable.Range(1, 64).Select(t => (T: t, Plan: GptqLaunchPlan.For(t, 4096, 1024, H100Multiprocessors)))
            .Where(p => p.Plan.Splits > 1).Max(p => (long)p.Plan.Splits * p.T * 1024);

        GptqLaunchPlan.PartialElements(4096, 1024, 64, H100Multiprocessors).Should().Be(expected).And.BePositive();
    }
}
