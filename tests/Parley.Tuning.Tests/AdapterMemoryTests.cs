using Parley.Api;
using Parley.Api.Spec;
using Parley.Tuning.Catalog;

namespace Parley.Tuning.Tests;

public class AdapterMemoryTests
{
    private const string R1 = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B";

    [Fact]
    public void BytesPerSlot_R1DistillQwen15BAtRank16_MatchesTheHandArithmetic()
    {
        // DeepSeek-R1-Distill-Qwen-1.5B: 28 layers, hidden 1536, intermediate 8960, 12 query heads and 2 KV heads of 128.
        // (in + out) per projection: q 1536+1536 = 3072, k and v 1536+256 = 1792 each, o 1536+1536 = 3072,
        // gate and up 1536+8960 = 10496 each, down 8960+1536 = 10496; sum 41,216.
        // One slot: 28 layers x rank 16 x 41,216 x 2 bytes (bfloat16) = 36,929,536 bytes (35.2 MiB).
        AdapterMemory.BytesPerSlot(TestModels.Get(R1), WeightDtype.BFloat16, 16).Should().Be(36_929_536);
    }

    [Fact]
    public void Bytes_GrowWithSlotsAndRank_AndAreZeroWithoutAdapters()
    {
        var model = TestModels.Get(R1);

        AdapterMemory.Bytes(model, WeightDtype.BFloat16, null).Should().Be(0);
        AdapterMemory.Bytes(model, WeightDtype.BFloat16, new LoraRequest(2, 2, 16)).Should().Be(2 * 36_929_536L);
        // Rank 64 is four times rank 16; float32 twice bfloat16.
        AdapterMemory.Bytes(model, WeightDtype.BFloat16, new LoraRequest(1, 1, 64)).Should().Be(4 * 36_929_536L);
        AdapterMemory.Bytes(model, WeightDtype.Float32, new LoraRequest(1, 1, 16)).Should().Be(2 * 36_929_536L);
    }

    [Fact]
    public void Plan_R1DistillWithTwoAdaptersOnRtx3060_TakesTheSlotsFromTheKvCacheBeforeTheContext()
    {
        var plan = PlanOn(WithAdapters(2), "rtx-3060-12gb").Plan!;

        // Without adapters the KV cache gets 6,659,551,928 bytes (PlannerTests). Two slots at rank 16 take 73,859,072:
        // 6,585,692,856 bytes / 28,672 per token = 229,690 tokens, 229,680 in 16-token blocks;
        // maxModelLen = 229,680 / targetConcurrency 4 = 57,420, 57,408 in blocks (58,064 without adapters).
        plan.AdapterBytes.Should().Be(73_859_072);
        plan.KvCacheBytes.Should().Be(6_585_692_856);
        plan.KvCacheTokens.Should().Be(229_680);
        plan.MaxModelLen.Should().Be(57_408);
        plan.Lora.Should().Be(new LoraRequest(2, 2, 16));
    }

    [Fact]
    public void Plan_LargerRankAndMoreSlots_ShortenTheContextFurther()
    {
        var spec = WithAdapters(1);
        spec.Worker = new WorkerSpec { Tuning = new TuningSpec { MaxLoras = 4, MaxLoraRank = 64 } };

        var plan = PlanOn(spec, "rtx-3060-12gb").Plan!;

        // 4 slots x 147,718,144 bytes (rank 64 = 4 x 36,929,536) = 590,872,576; 6,659,551,928 - 590,872,576 = 6,068,679,352
        // bytes = 211,655 tokens, 211,648 in blocks; / 4 = 52,912.
        plan.AdapterBytes.Should().Be(590_872_576);
        plan.KvCacheTokens.Should().Be(211_648);
        plan.MaxModelLen.Should().Be(52_912);
    }

    [Fact]
    public void Plan_WithAdapters_SaysWhatTheyReserveInItsReasons()
    {
        var plan = PlanOn(WithAdapters(2), "rtx-3060-12gb").Plan!;

        plan.Reasons.Should().Contain(reason => reason.StartsWith("LoRA adapters: 2 declared, maxLoras 2 resident at maxLoraRank 16 reserve 70.4 MiB", StringComparison.Ordinal)
            && reason.Contains("28 layers x rank 16", StringComparison.Ordinal) && reason.Contains("= 35.2 MiB", StringComparison.Ordinal));
        plan.Reasons.Should().Contain(reason => reason.StartsWith("KV cache:", StringComparison.Ordinal) && reason.Contains("- 70.4 MiB LoRA adapters =", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_WithoutAdapters_ReservesNothingAndSaysNothingOfThem()
    {
        var plan = PlanOn(new ChatDeploymentSpec { Model = new ModelSpec { Source = R1 } }, "rtx-3060-12gb").Plan!;

        plan.Lora.Should().BeNull();
        plan.AdapterBytes.Should().Be(0);
        plan.Reasons.Should().NotContain(reason => reason.Contains("LoRA", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_AdaptersThatLeaveTooLittleKvCache_AreRefusedNamingTheLoraLimits()
    {
        var spec = WithAdapters(1);
        spec.Worker = new WorkerSpec { Tuning = new TuningSpec { MaxLoras = 256, MaxLoraRank = 512 } };

        var refusal = PlanOn(spec, "rtx-3060-12gb").Refusal!;

        // 256 slots at rank 512 would take 256 x 32 x 36,929,536 bytes = 302,526,758,912 (281.8 GiB): no KV cache is left on 12 GiB.
        refusal.Reason.Should().Be(ConditionReasons.InsufficientGpuMemory);
        refusal.Message.Should().Contain("for activations, the CUDA runtime and 256 LoRA adapter slot(s) at rank 512 (281.8 GiB of it)");
    }

    [Fact]
    public void LoraOf_TakesTheDefaultsWhenTheSpecGivesNone()
    {
        Planner.LoraOf(WithAdapters(3)).Should().Be(new LoraRequest(3, 3, 16));
        Planner.LoraOf(new ChatDeploymentSpec { Model = new ModelSpec { Source = R1 } }).Should().BeNull();
    }

    private static ChatDeploymentSpec WithAdapters(int count) => new()
    {
        Model = new ModelSpec
        {
            Source = R1,
            Adapters = [.. Enumerable.Range(0, count).Select(i => new AdapterSpec { Name = $"a{i}", Source = $"org/adapter-{i}" })],
        },
    };

    private static PlanResult PlanOn(ChatDeploymentSpec spec, string gpu) =>
        Planner.Plan(Defaults.Apply(spec), GpuInventory.Of(GpuCatalog.Find(gpu)!));
}
