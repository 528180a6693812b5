using Parley.Api;
using Parley.Api.Spec;
using Parley.Tuning.Catalog;
using Parley.Tuning.Sharing;

namespace Parley.Tuning.Tests.Sharing;

/// <summary>Requests and devices the sharing tests build.</summary>
internal static class SharingTestSpecs
{
    public const string Llama3Gptq = "TechxGENus/Meta-Llama-3-8B-Instruct-GPTQ";
    public const string R1 = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B";

    // Weights by hand (independent of WeightSize): Llama 3 8B GPTQ int4 g128 = 32 layers x (packed q,k,v,o,gate,up,down
    // + fp16 scales, zeros and g_idx = 179,175,424 bytes, + 2 fp16 norms of 4,096) + 2 x 128,256 x 4,096 fp16
    // (embedding, lm_head) + final norm = 5,732,835,328. R1 1.5B bf16 = 1,777,088,000 parameters x 2 = 3,554,176,000.
    public const long Llama3GptqWeights = 5_732_835_328;
    public const long R1Weights = 3_554_176_000;
    public const long Reserve = 768L << 20;

    // Activation peak = b x per-token width x 2 bytes + 2 x 256 rows x vocab x 4 bytes (+ for GPTQ the f16 scratch the
    // largest weight is unpacked into, 4,096 x 14,336 x 2 = 117,440,512 for Llama).
    // Llama: width 2x4096 + (2x32 + 2x8) x 128 + 3x14336 = 61,440; logits 262,668,288.
    // R1:    width 2x1536 + (2x12 + 2x2) x 128 + 3x8960 = 33,536; logits 311,164,928.
    public static long LlamaActivation(int batched) => batched * 61_440L * 2 + 262_668_288 + 117_440_512;
    public static long R1Activation(int batched) => batched * 33_536L * 2 + 311_164_928;

    // KV bytes per token = 2 x layers x kvHeads x headDim x 2: Llama 2x32x8x128x2, R1 2x28x2x128x2.
    public const long LlamaKvPerToken = 131_072;
    public const long R1KvPerToken = 28_672;

    public static SharedRequest Request(string name, string source, int concurrency, int? maxModelLen = null, GpuSpec? gpu = null) =>
        new(name, Defaults.Apply(new ChatDeploymentSpec
        {
            Model = new ModelSpec { Source = source },
            Worker = new WorkerSpec { Gpu = gpu, Tuning = new TuningSpec { TargetConcurrency = concurrency, MaxModelLen = maxModelLen } },
        }));

    public static PhysicalGpu Gpu(string alias, GpuSharingMode mode, int slots, string node = "node-0", int index = 0) =>
        PhysicalGpu.Of(GpuCatalog.Find(alias)!, mode, slots, node, index);
}
