// Which kernel multiplies a GPTQ weight and over how many splits of its inputs. A handful of tokens run the GEMV (one
// thread per output, reading the packed weight once per 8 tokens). More are a matrix product: the weight is unpacked
// into an f16 scratch (gptq_unpack.cu) and cuBLAS multiplies it on tensor cores. On an H200 the tensor-core
// gptq_gemm.cu, which unpacks tile by tile instead, ran at 20-160 GB/s (0.5 ms for a 4096 × 4096 layer at 64 tokens,
// 5.4 ms for Llama-3-8B's down projection at 1,000), where unpacking (2.5 bytes per f16 weight byte) plus cuBLAS costs
// about what reading an f16 weight three and a half times does: tens of microseconds.
// The GEMV fills the GPU only when it has enough blocks: at batch 1 an 8B model's k/v projections (1,024 outputs) make
// 4 GEMV blocks for a GPU of 132 SMs, and each block's thread has one chunk's loads in flight at a time, so a block
// per SM leaves HBM mostly idle. Split-K cuts the inputs into splits until there are about four blocks per SM, each
// split writing partial sums that splitk_reduce adds up. The partials cost 2·splits·T·O·4 bytes against the weight's
// I·O/2, so the splits are capped where the partials would pass an eighth of the weight (splits·T ≤ I / 64). Splits are
// planned for DecodeGraphBuckets.SplitPlanningTokens, so graph decode and eager decode of a batch split alike.
namespace Parley.Engine.Backends.Cuda;

/// <summary>The kernels a GPTQ multiply can run.</summary>
internal enum GptqKernel
{
    /// <summary>gptq_gemv.cu: unpacks in registers, for up to <see cref="GptqLaunchPlan.GemvMaxTokens"/> tokens.</summary>
    Gemv,

    /// <summary>gptq_unpack.cu into the scratch, then cuBLAS: every larger batch.</summary>
    UnpackThenCublas,

    /// <summary>gptq_gemm.cu, unpacking tile by tile on tensor cores: kept for the GPU check's comparison, chosen by no plan.</summary>
    TensorCoreGemm,
}

/// <summary>How one GPTQ multiply is launched.</summary>
/// <param name="Kernel">The kernel.</param>
/// <param name="Splits">Splits of the inputs (gridDim.z); above 1 the kernel writes partial sums for splitk_reduce.</param>
/// <param name="SplitLength">Sorted inputs per split, a multiple of the kernel's step.</param>
internal readonly record struct GptqLaunchPlan(GptqKernel Kernel, int Splits, int SplitLength)
{
    /// <summary>Up to this many tokens the GEMV runs: its 8-token tiles read the packed weight once.</summary>
    public const int GemvMaxTokens = 8;
    public const int GemvThreads = 256;     // the GEMV's block: one output per thread
    public const int GemvTokens = 8;        // the tallest tile of gptq_gemv.cu (gptq_gemv8)
    public const int GemvChunk = 128;       // CHUNK in gptq_gemv.cu: a split is whole chunks
    public const int GemmTile = 64;         // GEMM_M and GEMM_N in gptq_gemm.cu
    public const int GemmStep = 32;         // GEMM_K in gptq_gemm.cu: a split is whole steps
    public const int MaxSplits = 32;
    private const int BlocksPerMultiprocessor = 4;

    public static GptqLaunchPlan For(int tokens, int inFeatures, int outFeatures, int multiprocessorCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 1);
        return tokens > GemvMaxTokens
            ? new GptqLaunchPlan(GptqKernel.UnpackThenCublas, 1, inFeatures)
            : Split(GptqKernel.Gemv, tokens, inFeatures, outFeatures, multiprocessorCount);
    }

    /// <summary>The tensor-core GEMM's launch for a shape, split like the GEMV (the GPU check times it beside the others).</summary>
    public static GptqLaunchPlan TensorCoreGemm(int tokens, int inFeatures, int outFeatures, int multiprocessorCount) =>
        Split(GptqKernel.TensorCoreGemm, tokens, inFeatures, outFeatures, multiprocessorCount);

    /// <summary>The GEMV's tile height for this many tokens: 1, 2, 4 or 8 rows (gptq_gemv1 ... gptq_gemv8), the
    /// smallest that holds a decode batch and its graph bucket alike, so a tile never multiplies rows that are not there
    /// beyond what the bucket pads.</summary>
    public static int GemvRows(int tokens) => Math.Min(GemvTokens, DecodeGraphBuckets.SplitPlanningTokens(tokens));

    /// <summary>The most partial-sum floats a weight of this shape needs for up to <paramref name="maxTokens"/> tokens (0 when it never splits).</summary>
    public static long PartialElements(int inFeatures, int outFeatures, int maxTokens, int multiprocessorCount)
    {
        long most = 0;
        for (var tokens = 1; tokens <= maxTokens; tokens++)
        {
            var plan = For(tokens, inFeatures, outFeatures, multiprocessorCount);
            most = plan.Splits > 1 ? Math.Max(most, (long)plan.Splits * tokens * outFeatures) : most;
        }

        return most;
    }

    /// <summary>Whether any multiply of up to <paramref name="maxTokens"/> tokens unpacks the weight into the scratch.</summary>
    public static bool Unpacks(int maxTokens) => maxTokens > GemvMaxTokens;

    private static GptqLaunchPlan Split(GptqKernel kernel, int tokens, int inFeatures, int outFeatures, int multiprocessorCount)
    {
        var gemm = kernel == GptqKernel.TensorCoreGemm;
        var planned = DecodeGraphBuckets.SplitPlanningTokens(tokens);
        long blocks = gemm
            ? Ceiling(outFeatures, GemmTile) * Ceiling(planned, GemmTile)
            : Ceiling(outFeatures, GemvThreads) * Ceiling(planned, GemvTokens);
        var step = gemm ? GemmStep : GemvChunk;
        var steps = (int)Ceiling(inFeatures, step);
        var wanted = Ceiling(BlocksPerMultiprocessor * (long)Math.Max(multiprocessorCount, 1), blocks);
        var cap = Math.Min(Math.Min(MaxSplits, steps), Math.Max(1, inFeatures / (64 * planned)));
        var splits = (int)Math.Clamp(wanted, 1, cap);
        var length = (int)Ceiling(steps, splits) * step;
        return new GptqLaunchPlan(kernel, (int)Ceiling(inFeatures, length), length);
    }

    private static long Ceiling(long value, long divisor) => (value + divisor - 1) / divisor;
}
