using Parley.Api;
using Parley.Api.Spec;
using Parley.Tuning.Catalog;

namespace Parley.Tuning.Tests;

public class PlannerTests
{
    private const string R1 = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B";
    private const string Llama3 = "meta-llama/Meta-Llama-3-8B-Instruct";

    [Fact]
    public void Plan_R1DistillOnRtx3060_MatchesTheReadmeArithmetic()
    {
        var plan = PlanOn(Spec(R1), "rtx-3060-12gb").Plan!;

        plan.GpuMemoryUtilization.Should().Be(0.89);
        plan.WeightsBytes.Should().Be(3_554_176_000);
        plan.KvBytesPerToken.Should().Be(28_672);
        // 0.89 x 12 GiB - weights - 448,528,384 activations - 805,306,368 reserve = 6,659,551,928 bytes
        plan.KvCacheBytes.Should().Be(6_659_551_928);
        plan.KvCacheTokens.Should().Be(232_256);
        plan.MaxModelLen.Should().Be(58_064);
        plan.MaxNumSeqs.Should().Be(112);
        plan.TensorParallelSize.Should().Be(1);
        plan.Reasons.Should().HaveCount(6).And.Contain(reason => reason.StartsWith("KV cache: 0.89 x 12.0 GiB", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_Llama3Bf16OnRtx3060_IsRefusedWithTheQuantizationHint()
    {
        var refusal = PlanOn(Spec(Llama3), "rtx-3060-12gb").Refusal!;

        refusal.Reason.Should().Be(ConditionReasons.InsufficientGpuMemory);
        refusal.Message.Should().StartWith(
            "Meta-Llama-3-8B-Instruct in bfloat16 needs 15.0 GiB for weights; the largest GPU here (NVIDIA GeForce RTX 3060, 12 GiB) cannot hold it. " +
            "Use quantization: gptq (a GPTQ-int4 checkpoint such as TechxGENus/Meta-Llama-3-8B-Instruct-GPTQ needs 5.3 GiB for weights), " +
            "or a GPU with at least 24 GiB");
    }

    [Fact]
    public void Plan_ModelWithoutACatalogGptqCheckpoint_IsStillAdvisedToQuantize()
    {
        var refusal = PlanOn(Spec("mistralai/Mistral-7B-Instruct-v0.3"), "rtx-3060-12gb").Refusal!;

        refusal.Reason.Should().Be(ConditionReasons.InsufficientGpuMemory);
        refusal.Message.Should().Contain("cannot hold it. Use quantization: gptq with a GPTQ-int4 checkpoint of Mistral-7B-Instruct-v0.3 (about ")
            .And.Contain("GiB for weights; none is in Parley's catalog, so set spec.model.source to one, quantization: gptq and spec.model.architecture " +
                "from its config.json), or a GPU with at least 24 GiB");
    }

    [Fact]
    public void Plan_EveryCatalogModelTooBigForTheGpu_GetsQuantizationAdvice()
    {
        var refused = ModelCatalog.All.Where(model => model.Gptq is null)
            .Select(model => PlanOn(Spec(model.Id), "t4").Refusal)
            .Where(refusal => refusal is { Reason: ConditionReasons.InsufficientGpuMemory } && refusal.Message.Contains("for weights;", StringComparison.Ordinal))
            .ToList();

        refused.Should().NotBeEmpty();
        refused.Should().OnlyContain(refusal => refusal!.Message.Contains("Use quantization: gptq", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_Llama3GptqOnRtx3060_FitsWithItsFullContext()
    {
        var plan = PlanOn(Spec("TechxGENus/Meta-Llama-3-8B-Instruct-GPTQ"), "rtx-3060-12gb").Plan!;

        plan.Format.Gptq.Should().NotBeNull();
        plan.MaxModelLen.Should().Be(8192);
        plan.KvCacheTokens.Should().BeGreaterThanOrEqualTo(4 * 8192);
    }

    [Fact]
    public void Plan_OnH100_GivesMoreContextCappedAtTheModelLimitAndMoreConcurrency()
    {
        var small = PlanOn(Spec(R1), "rtx-3060-12gb").Plan!;
        var large = PlanOn(Spec(R1), "h100").Plan!;

        large.MaxModelLen.Should().Be(131_072).And.BeGreaterThan(small.MaxModelLen);
        large.MaxNumSeqs.Should().BeGreaterThan(small.MaxNumSeqs);
        large.GpuMemoryUtilization.Should().BeGreaterThan(small.GpuMemoryUtilization);
    }

    [Theory]
    [InlineData(R1, "NVIDIA-GeForce-RTX-3060")]
    [InlineData("Qwen/Qwen2.5-7B-Instruct", "NVIDIA-L4")]
    [InlineData("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", "NVIDIA-A100-SXM4-80GB")]
    public void Plan_MixedInventory_PicksTheSmallestGpuThatFits(string model, string expectedProduct)
    {
        PlanResult result = Planner.Plan(Defaults.Apply(Spec(model)), MixedInventory());

        result.Plan!.Gpu.Product.Should().Be(expectedProduct);
    }

    [Fact]
    public void Plan_RequestedContextTooLongForOneGpu_IsRefusedWithTheNumbers()
    {
        var spec = Spec("meta-llama/Llama-3.1-8B-Instruct");
        spec.Worker = new WorkerSpec { Tuning = new TuningSpec { MaxModelLen = 131_072 } };

        var refusal = Planner.Plan(Defaults.Apply(spec), MixedInventory()).Refusal!;

        refusal.Reason.Should().Be(ConditionReasons.InsufficientGpuMemory);
        refusal.Message.Should().Contain("4 sequence(s) of 131,072 tokens need 524,288").And.Contain("targetConcurrency");
    }

    [Fact]
    public void Plan_RequestedContextWithLowerConcurrency_MovesToALargerGpu()
    {
        var spec = Spec("meta-llama/Llama-3.1-8B-Instruct");
        spec.Worker = new WorkerSpec { Tuning = new TuningSpec { MaxModelLen = 131_072, TargetConcurrency = 2 } };

        var plan = Planner.Plan(Defaults.Apply(spec), MixedInventory()).Plan!;

        plan.Gpu.Product.Should().Be("NVIDIA-A100-SXM4-80GB");
        plan.MaxModelLen.Should().Be(131_072);
    }

    [Fact]
    public void Plan_PinnedProduct_IsHonouredEvenWhenASmallerGpuFits()
    {
        var spec = Spec(R1);
        spec.Worker = new WorkerSpec { Gpu = new GpuSpec { Product = "l4" } };

        var plan = Planner.Plan(Defaults.Apply(spec), MixedInventory()).Plan!;

        plan.Gpu.Product.Should().Be("NVIDIA-L4");
        plan.Reasons[0].Should().Contain("pinned by spec.worker.gpu.product");
    }

    [Fact]
    public void Plan_MinimumMemory_SkipsSmallerGpus()
    {
        var spec = Spec(R1);
        spec.Worker = new WorkerSpec { Gpu = new GpuSpec { MinMemoryGiB = 40 } };

        Planner.Plan(Defaults.Apply(spec), MixedInventory()).Plan!.Gpu.Product.Should().Be("NVIDIA-A100-SXM4-80GB");
    }

    [Fact]
    public void Plan_PinnedProductNotPresent_ListsWhatIs()
    {
        var spec = Spec(R1);
        spec.Worker = new WorkerSpec { Gpu = new GpuSpec { Product = "NVIDIA-H200" } };

        var refusal = Planner.Plan(Defaults.Apply(spec), MixedInventory()).Refusal!;

        refusal.Reason.Should().Be(ConditionReasons.NoGpuNodes);
        refusal.Message.Should().Contain("product NVIDIA-H200").And.Contain("NVIDIA-L4 (24 GiB)");
    }

    [Fact]
    public void Plan_NoGpuNodes_SaysWhatNodesNeed()
    {
        var refusal = Planner.Plan(Defaults.Apply(Spec(R1)), new GpuInventory([])).Refusal!;

        refusal.Reason.Should().Be(ConditionReasons.NoGpuNodes);
        refusal.Message.Should().Contain("nvidia.com/gpu.product");
    }

    [Fact]
    public void Plan_ManualMode_UsesTheGivenValuesWhenOneSequenceFits()
    {
        var spec = Spec(R1);
        spec.Worker = new WorkerSpec { Tuning = new TuningSpec { Mode = TuningMode.Manual, GpuMemoryUtilization = 0.5, MaxModelLen = 32_768, MaxNumSeqs = 8 } };

        var plan = PlanOn(spec, "rtx-3060-12gb").Plan!;

        plan.GpuMemoryUtilization.Should().Be(0.5);
        plan.MaxModelLen.Should().Be(32_768);
        plan.MaxNumSeqs.Should().Be(8);
        plan.Reasons.Should().Contain(reason => reason.StartsWith("gpuMemoryUtilization 0.50: set in spec", StringComparison.Ordinal));
        plan.Reasons.Should().Contain(reason => reason.Contains("Warning: fewer than targetConcurrency 4 conversations fit at full length"));
    }

    [Fact]
    public void Plan_ManualModeThatDoesNotFit_IsRefused()
    {
        var spec = Spec(R1);
        spec.Worker = new WorkerSpec { Tuning = new TuningSpec { Mode = TuningMode.Manual, GpuMemoryUtilization = 0.5, MaxModelLen = 131_072 } };

        PlanOn(spec, "rtx-3060-12gb").Refusal!.Message.Should().Contain("1 sequence(s) of 131,072 tokens");
    }

    [Fact]
    public void Plan_ContextBeyondTheModelLimit_IsAnInvalidSpec()
    {
        var spec = Spec(Llama3);
        spec.Worker = new WorkerSpec { Tuning = new TuningSpec { MaxModelLen = 16_384 } };

        var refusal = PlanOn(spec, "h100").Refusal!;

        refusal.Reason.Should().Be(ConditionReasons.InvalidSpec);
        refusal.Message.Should().Contain("limit of 8,192 tokens");
    }

    [Fact]
    public void Plan_UnknownModel_AsksForItsArchitecture()
    {
        var refusal = PlanOn(Spec("acme/secret-model"), "h100").Refusal!;

        refusal.Reason.Should().Be(ConditionReasons.UnknownModel);
        refusal.Message.Should().Contain("spec.model.architecture").And.Contain("numKeyValueHeads");
    }

    [Fact]
    public void Plan_UnknownModelWithArchitecture_IsPlanned()
    {
        var spec = Spec("acme/secret-model");
        spec.Model.Architecture = new ArchitectureOverrides
        {
            NumHiddenLayers = 28, HiddenSize = 1536, NumAttentionHeads = 12, NumKeyValueHeads = 2, IntermediateSize = 8960,
            VocabSize = 151936, MaxPositionEmbeddings = 32768,
        };

        var plan = PlanOn(spec, "rtx-3060-12gb").Plan!;

        plan.KvBytesPerToken.Should().Be(28_672);
        plan.Model.Id.Should().Be("acme/secret-model");
    }

    [Fact]
    public void Plan_ArchitectureOverride_CorrectsTheCatalog()
    {
        var spec = Spec("Qwen/Qwen2.5-7B-Instruct");
        spec.Model.Architecture = new ArchitectureOverrides { MaxPositionEmbeddings = 131_072 };

        PlanOn(spec, "h100").Plan!.MaxModelLen.Should().Be(131_072);
    }

    [Fact]
    public void Plan_GptqRequestedForAnUnquantizedCheckpoint_NamesTheGptqCheckpoint()
    {
        var spec = Spec(Llama3);
        spec.Model.Quantization = Quantization.Gptq;

        var refusal = PlanOn(spec, "rtx-3060-12gb").Refusal!;

        refusal.Reason.Should().Be(ConditionReasons.InvalidSpec);
        refusal.Message.Should().Contain("TechxGENus/Meta-Llama-3-8B-Instruct-GPTQ");
    }

    [Fact]
    public void Plan_ModelOnAVolume_IsFoundByItsFolderName()
    {
        PlanOn(Spec("pvc://models/weights/DeepSeek-R1-Distill-Qwen-1.5B"), "rtx-3060-12gb").Plan!.KvCacheTokens.Should().Be(232_256);
    }

    private static ChatDeploymentSpec Spec(string source) => new() { Model = new ModelSpec { Source = source } };

    private static PlanResult PlanOn(ChatDeploymentSpec spec, string gpu) =>
        Planner.Plan(Defaults.Apply(spec), GpuInventory.Of(GpuCatalog.Find(gpu)!));

    internal static GpuInventory MixedInventory() => new(
    [
        Node("desk-3060", "NVIDIA-GeForce-RTX-3060", 12288, 1),
        Node("l4-0", "NVIDIA-L4", 23034, 1),
        Node("l4-1", "NVIDIA-L4", 23034, 1),
        Node("a100-0", "NVIDIA-A100-SXM4-80GB", 81920, 4),
    ]);

    /// <summary>A node of a catalog product with <paramref name="memoryMiB"/> per GPU, as the operator reads one from its labels.</summary>
    internal static GpuNode Node(string name, string product, int memoryMiB, int gpus)
    {
        var catalog = GpuCatalog.Find(product)!;
        return new GpuNode(name, product, catalog.DisplayName, memoryMiB * Bytes.MiB, gpus, catalog.NominalGiB);
    }
}
