using Parley.Api;
using Parley.Tuning.Sharing;
using static Parley.Tuning.Tests.Sharing.SharingTestSpecs;

namespace Parley.Tuning.Tests.Sharing;

public class SharedPlannerTests
{
    // L4: gpuMemoryUtilization 0.93 (1 GiB + 2% of 22.49 GiB = 1.45 GiB headroom) x 23,034 MiB = 22,462,196,613 usable.
    private const long L4Usable = 22_462_196_613;

    // RTX 3060: 0.89 x 12,288 MiB = 11,467,562,680 usable.
    private const long Rtx3060Usable = 11_467_562_680;

    [Fact]
    public void Plan_SeedModelsOnOneTimeSlicedL4_SharesDivideTheUsableMemoryInProportionToNeed()
    {
        var plan = SharedPlanner.Plan([Request("llama", Llama3Gptq, 1), Request("r1", R1, 1)], [Gpu("l4", GpuSharingMode.TimeSlicing, 4)]);

        // Needs at 2,048 batched tokens, each with its own 768 MiB reserve and 4,096 tokens of KV:
        const long llamaNeed = Llama3GptqWeights + Reserve + 631_767_040 + 4096 * LlamaKvPerToken; // 7,706,779,648
        const long r1Need = R1Weights + Reserve + 448_528_384 + 4096 * R1KvPerToken;                // 4,925,451,264
        (llamaNeed + r1Need).Should().Be(12_632_230_912).And.BeLessThan(L4Usable);
        LlamaActivation(2048).Should().Be(631_767_040);
        R1Activation(2048).Should().Be(448_528_384);

        plan.Refusals.Should().BeEmpty();
        var llama = plan.For("llama")!;
        var r1 = plan.For("r1")!;
        llama.Share.Gpu.Id.Should().Be(r1.Share.Gpu.Id);
        // 22,462,196,613 x 7,706,779,648 / 12,632,230,912 = 13,703,929,330.6; the rest rounds the same way.
        llama.Share.ShareBytes.Should().Be(13_703_929_330);
        r1.Share.ShareBytes.Should().Be(8_758_267_282);
        (llama.Share.ShareBytes + r1.Share.ShareBytes).Should().BeLessThanOrEqualTo(L4Usable);
        llama.Share.Neighbours.Should().Equal("r1");
        r1.Share.Neighbours.Should().Equal("llama");

        // KV: 13,703,929,330 - weights - activations - reserve = 6,534,020,594 B = 49,840 tokens; maxModelLen the model's 8,192.
        llama.Plan.KvCacheTokens.Should().Be(49_840);
        llama.Plan.MaxModelLen.Should().Be(8192);
        // 8,758,267,282 - ... = 3,950,256,530 B = 137,760 tokens; maxModelLen the model's 131,072.
        r1.Plan.KvCacheTokens.Should().Be(137_760);
        r1.Plan.MaxModelLen.Should().Be(131_072);
        r1.Plan.Reasons[0].Should().Be("GPU: NVIDIA L4 (node-0/gpu-0, time-slicing x4), shared with llama.");
    }

    [Fact]
    public void Plan_AWorkerWithLoraAdapters_CountsItsAdapterSlotsInItsNeedAndTakesThemOffItsKvCache()
    {
        var withAdapters = new SharedRequest("r1", Defaults.Apply(new Api.Spec.ChatDeploymentSpec
        {
            Model = new Api.Spec.ModelSpec { Source = R1, Adapters = [new() { Name = "sql", Source = "org/sql-lora" }, new() { Name = "de", Source = "org/de-lora" }] },
            Worker = new Api.Spec.WorkerSpec { Tuning = new Api.Spec.TuningSpec { TargetConcurrency = 1 } },
        }));
        var l4 = Gpu("l4", GpuSharingMode.TimeSlicing, 4);
        var plain = SharedPlanner.Plan([Request("llama", Llama3Gptq, 1), Request("r1", R1, 1)], [l4]).For("r1")!;

        var r1 = SharedPlanner.Plan([Request("llama", Llama3Gptq, 1), withAdapters], [l4]).For("r1")!;

        // Per rank-16 slot: 28 layers x 16 x 2 bytes x (in + out) over q 1,536+1,536, k and v 1,536+256 each, o 1,536+1,536,
        // gate, up and down 1,536+8,960 each = 41,216, so 36,929,536 bytes; maxLoras defaults to the 2 adapters.
        const long adapterSlots = 2 * 36_929_536;
        r1.Plan.AdapterBytes.Should().Be(adapterSlots);
        r1.Plan.KvCacheBytes.Should().Be(r1.Share.ShareBytes - R1Weights - R1Activation(2048) - Reserve - adapterSlots);
        r1.Share.ShareBytes.Should().BeGreaterThan(plain.Share.ShareBytes, "the slots are part of what it needs");
        r1.Plan.Reasons[1].Should().Contain("for 2 LoRA adapter slot(s) at rank 16");
    }

    [Fact]
    public void Plan_SeedModelsOnOneRtx3060_RefusesTheSmallerBecauseEvenTheLeastNeedsExceedTheCard()
    {
        var plan = SharedPlanner.Plan([Request("llama", Llama3Gptq, 1), Request("r1", R1, 1)], [Gpu("rtx-3060-12gb", GpuSharingMode.TimeSlicing, 2)]);

        // At the least activation budget (512 tokens) the two still need 12,340,464,640 bytes, 873 MB over the usable memory.
        const long llamaLeast = Llama3GptqWeights + Reserve + 443_023_360 + 4096 * LlamaKvPerToken; // 7,518,035,968
        const long r1Least = R1Weights + Reserve + 345_505_792 + 4096 * R1KvPerToken;                // 4,822,428,672
        LlamaActivation(512).Should().Be(443_023_360);
        R1Activation(512).Should().Be(345_505_792);
        (llamaLeast + r1Least).Should().BeGreaterThan(Rtx3060Usable);

        // The larger is placed first and gets the whole usable memory: 11,467,562,680 - 5,732,835,328 - 631,767,040
        // - 805,306,368 = 4,297,653,944 B of KV = 32,784 tokens (block-rounded).
        var llama = plan.For("llama")!;
        llama.Share.ShareBytes.Should().Be(Rtx3060Usable);
        llama.Plan.KvCacheTokens.Should().Be(32_784);
        plan.Refusals["r1"].Reason.Should().Be(ConditionReasons.InsufficientGpuMemory);
        // Room: 11,467,562,680 - 7,518,035,968 = 3,949,526,712 B (3.7 GiB); r1 needs 4,822,428,672 B (4.5 GiB). A T4
        // (0.91 x 15,109 MiB = 14.4e9 usable) is the smallest catalog GPU holding 12.3e9.
        plan.Refusals["r1"].Message.Should().Be(
            "r1 (DeepSeek-R1-Distill-Qwen-1.5B in bfloat16, 1 x 4,096 tokens) needs 4.5 GiB even at 512 batched tokens; the closest GPU, " +
            "NVIDIA GeForce RTX 3060 (node-0/gpu-0, time-slicing x2), holds llama and has 3.7 GiB of its 10.7 GiB usable left. " +
            "What would fit: a GPU with at least 16 GiB (e.g. NVIDIA T4) to hold llama and r1 together.");
    }

    [Fact]
    public void Plan_WhenTheDefaultActivationBudgetDoesNotFit_LowersItAndSaysSo()
    {
        var plan = SharedPlanner.Plan([Request("a", R1, 8), Request("b", R1, 8)], [Gpu("rtx-3060-12gb", GpuSharingMode.TimeSlicing, 2)]);

        // At 2,048: 2 x (3,554,176,000 + 805,306,368 + 448,528,384 + 8 x 4,096 x 28,672) = 11,495,069,696 > 11,467,562,680.
        // At 1,024: activations 379,846,656 -> 2 x 5,678,853,120 = 11,357,706,240, which fits.
        plan.Refusals.Should().BeEmpty();
        var a = plan.For("a")!;
        a.Plan.MaxNumBatchedTokens.Should().Be(1024);
        a.Share.ShareBytes.Should().Be(Rtx3060Usable / 2);
        // KV 5,733,781,340 - 3,554,176,000 - 379,846,656 - 805,306,368 = 994,452,316 B = 34,672 tokens; / 8 = 4,334 -> 4,320.
        a.Plan.KvCacheTokens.Should().Be(34_672);
        a.Plan.MaxModelLen.Should().Be(4320);
        a.Plan.Reasons.Should().Contain(reason => reason.StartsWith("maxNumBatchedTokens lowered from 2,048 to 1,024 (chunked prefill)", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_AThirdModelThatDoesNotFit_IsRefusedNamingTheGpuItsOccupantsAndWhatWouldFit()
    {
        var gpu = Gpu("l4", GpuSharingMode.TimeSlicing, 4);
        var first = SharedPlanner.Plan([Request("llama", Llama3Gptq, 1), Request("r1", R1, 1)], [gpu]);

        var plan = SharedPlanner.Plan([Request("llama", Llama3Gptq, 1), Request("r1", R1, 1), Request("qwen", "Qwen/Qwen2.5-7B-Instruct", 1)],
            [gpu], first.PlacementMap());

        plan.Assignments.Select(assignment => assignment.Name).Should().Equal("llama", "r1");
        // Room: 22,462,196,613 - 7,518,035,968 - 4,822,428,672 = 10,121,731,973 B = 9.4 GiB.
        plan.Refusals["qwen"].Message.Should()
            .StartWith("qwen (Qwen2.5-7B-Instruct in bfloat16, 1 x 4,096 tokens) needs ").And
            .Contain("; the closest GPU, NVIDIA L4 (node-0/gpu-0, time-slicing x4), holds llama and r1 and has 9.4 GiB of its 20.9 GiB usable left. " +
                "What would fit: the GPTQ-int4 checkpoint Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4 there (").And
            .EndWith("or a GPU with at least 40 GiB (e.g. NVIDIA A100 40GB) to hold llama and r1 and qwen together.");
    }

    [Fact]
    public void Plan_OnAnExclusiveGpu_TakesOneWorkerAndRefusesTheNextAsFull()
    {
        var plan = SharedPlanner.Plan([Request("llama", Llama3Gptq, 1), Request("r1", R1, 1)], [Gpu("l4", GpuSharingMode.Exclusive, 1)]);

        plan.For("llama")!.Share.ShareBytes.Should().Be(L4Usable);
        plan.Refusals["r1"].Message.Should().Contain("the closest GPU, NVIDIA L4 (node-0/gpu-0), already runs llama, as many workers as it takes.");
    }

    [Fact]
    public void Plan_MigSlices_GiveEachModelItsOwnSliceAndAllOfItsUsableMemory()
    {
        PhysicalGpu[] slices = [Gpu("a100-40gb-mig-3g.20gb", GpuSharingMode.Mig, 1, "a100", 0), Gpu("a100-40gb-mig-3g.20gb", GpuSharingMode.Mig, 1, "a100", 1)];

        var plan = SharedPlanner.Plan([Request("llama", Llama3Gptq, 4), Request("r1", R1, 4)], slices);

        // 0.92 (1 GiB + 2% of 19.63 GiB) x 20,096 MiB = 19,386,408,632 usable per slice.
        plan.For("llama")!.Share.Gpu.Id.Should().Be("a100/mig-3g.20gb-0");
        plan.For("r1")!.Share.Gpu.Id.Should().Be("a100/mig-3g.20gb-1");
        plan.Assignments.Should().AllSatisfy(assignment =>
        {
            assignment.Share.ShareBytes.Should().Be(19_386_408_632);
            assignment.Share.Neighbours.Should().BeEmpty();
        });
    }

    [Fact]
    public void Plan_Mps_GivesEachClientTheDevicePluginsLimit()
    {
        var plan = SharedPlanner.Plan([Request("llama", Llama3Gptq, 1), Request("r1", R1, 1)], [Gpu("l4", GpuSharingMode.Mps, 2)]);

        plan.Assignments.Should().HaveCount(2).And.AllSatisfy(assignment => assignment.Share.ShareBytes.Should().Be(L4Usable / 2));
    }

    [Fact]
    public void Plan_WithAPreviousPlacement_KeepsItInsteadOfPackingTighter()
    {
        PhysicalGpu[] gpus = [Gpu("l4", GpuSharingMode.TimeSlicing, 4, "l4-a"), Gpu("l4", GpuSharingMode.TimeSlicing, 4, "l4-b")];
        var requests = new[] { Request("llama", Llama3Gptq, 1), Request("r1", R1, 1) };

        var fresh = SharedPlanner.Plan(requests, gpus);
        var stable = SharedPlanner.Plan(requests, gpus, new Dictionary<string, string> { ["r1"] = "l4-b/gpu-0" });

        fresh.PlacementMap().Should().BeEquivalentTo(new Dictionary<string, string> { ["llama"] = "l4-a/gpu-0", ["r1"] = "l4-a/gpu-0" });
        stable.PlacementMap().Should().BeEquivalentTo(new Dictionary<string, string> { ["llama"] = "l4-a/gpu-0", ["r1"] = "l4-b/gpu-0" });
    }

    [Fact]
    public void Plan_DeletingOneAndAddingAnother_MovesNobodyAndChangesOnlySharesOnTheTouchedGpus()
    {
        PhysicalGpu[] gpus = [Gpu("l4", GpuSharingMode.TimeSlicing, 4, "l4-a"), Gpu("l4", GpuSharingMode.TimeSlicing, 4, "l4-b")];
        var before = SharedPlanner.Plan(
            [Request("qwen7b", "Qwen/Qwen2.5-7B-Instruct", 1), Request("llama", Llama3Gptq, 1), Request("r1", R1, 1), Request("small", "Qwen/Qwen2.5-0.5B-Instruct", 1)], gpus);
        before.Refusals.Should().BeEmpty();

        var after = SharedPlanner.Plan(
            [Request("qwen7b", "Qwen/Qwen2.5-7B-Instruct", 1), Request("llama", Llama3Gptq, 1), Request("small", "Qwen/Qwen2.5-0.5B-Instruct", 1), Request("qwen3", "Qwen/Qwen3-0.6B", 1)],
            gpus, before.PlacementMap());

        after.Refusals.Should().BeEmpty();
        var touched = new[] { before.For("r1")!.Share.Gpu.Id, after.For("qwen3")!.Share.Gpu.Id };
        foreach (var name in new[] { "qwen7b", "llama", "small" })
        {
            after.For(name)!.Share.Gpu.Id.Should().Be(before.For(name)!.Share.Gpu.Id, $"{name} must not move");
            if (!touched.Contains(before.For(name)!.Share.Gpu.Id))
            {
                after.For(name)!.Share.ShareBytes.Should().Be(before.For(name)!.Share.ShareBytes, $"{name} is on a GPU nothing changed on");
            }
        }

        new[] { "qwen7b", "llama", "small" }.Should().Contain(name => !touched.Contains(before.For(name)!.Share.Gpu.Id),
            "the scenario is only meaningful with a GPU that neither the removal nor the addition touched");
    }
}
