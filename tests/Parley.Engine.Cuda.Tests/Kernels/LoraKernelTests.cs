// The batched LoRA kernels (lora_sgmv.cu: shrink x·A into each token's rank, then expand by B into the projection's
// output) against the CPU's LoraProduct: each token's adapter slot selects its A and B; slot −1 is the base model.
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Backends.Cuda;

namespace Parley.Engine.Cuda.Tests.Kernels;

public sealed class LoraKernelTests : KernelHarness
{
    [Fact]
    public void LoraShrinkThenExpand_AddsEachTokensAdapterAsTheCpuLoraProduct()
    {
        const int In = 67, Out = 33, MaxRank = 8;
        int[] ranks = [3, 5];
        float[] scales = [2f, 0.5f];
        int[] tokenSlots = [0, -1, 1, 1, 0];
        var a = ranks.Select(rank => Random(rank * In)).ToArray();
        var bTransposed = ranks.Select(rank => Random(rank * Out)).ToArray();
        var x = Random(tokenSlots.Length * In);
        var y = Random(tokenSlots.Length * Out);
        ulong[] aTable = [Upload(a[0]), Upload(a[1])], bTable = [Upload(bTransposed[0]), Upload(bTransposed[1])];
        ulong output = Upload(y.ToArray()), shrunk = Upload(new float[tokenSlots.Length * MaxRank]), slots = Upload(tokenSlots), rankTable = Upload(ranks);

        Ops.LoraShrink(Upload(x), CudaDtype.Float32, In, slots, Upload(aTable), rankTable, Upload(scales), MaxRank, tokenSlots.Length, shrunk);
        Ops.LoraExpand(shrunk, MaxRank, slots, Upload(bTable), rankTable, Out, tokenSlots.Length, output);

        var expected = y.ToArray();
        for (var t = 0; t < tokenSlots.Length; t++)
        {
            if (tokenSlots[t] is var slot and >= 0)
            {
                LoraProduct.Apply(x.AsSpan(t * In, In), 1, a[slot], bTransposed[slot], ranks[slot], scales[slot], new float[ranks[slot]], expected.AsSpan(t * Out, Out), Out);
            }
        }

        Check("lora_shrink + lora_expand", Download(output, y.Length), expected);
        Download(output, y.Length).AsSpan(Out, Out).ToArray().Should().Equal(y.AsSpan(Out, Out).ToArray(), "a base-model token gets nothing added");
    }

    [Fact]
    public void LoraShrink_OfASlotWithoutTheProjection_WritesZeros()
    {
        const int In = 40, MaxRank = 4;
        ulong shrunk = Upload(Random(2 * MaxRank));

        Ops.LoraShrink(Upload(Random(2 * In)), CudaDtype.Float32, In, Upload(new[] { 0, -1 }), Upload(new ulong[] { 0 }), Upload(new[] { 4 }), Upload(new[] { 1f }), MaxRank, 2, shrunk);

        Download(shrunk, 2 * MaxRank).Should().OnlyContain(value => value == 0f);
    }
}
