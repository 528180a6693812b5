// One method per kernel: launch geometry and the exact parameter types of each .cu signature live here, so the
// forward pass reads as a list of operations. Device pointers are ulong, i64 is long, everything else int or float.
using Parley.Engine.Backends.Cuda.Driver;

namespace Parley.Engine.Backends.Cuda;

/// <summary>Queues kernels and GEMMs on one stream.</summary>
/// <param name="kernels">The loaded kernels.</param>
/// <param name="stream">The stream everything is queued on.</param>
/// <param name="cublas">cuBLAS, bound to that stream.</param>
/// <param name="partials">Scratch for split-K and split-context partial sums (null when no launch of the model splits).</param>
/// <param name="multiprocessorCount">The GPU's SMs, which the split counts are chosen to fill.</param>
/// <param name="unpacked">Scratch for the largest GPTQ weight unpacked to f16 (null when no multiply unpacks one).</param>
internal sealed unsafe class CudaOps(CudaKernels kernels, CudaStream stream, CublasHandle cublas, DeviceBuffer? partials, int multiprocessorCount, DeviceBuffer? unpacked = null)
{
    private const uint Threads = 256;
    private const uint AttentionThreads = 128; // WARPS × 32 in decode_attention.cu and both prefill_attention kernels; ≥ MAX_SPLITS for the reduction
    private const uint GemmThreads = 128;      // GEMM_THREADS in gptq_gemm.cu
    private const int AttentionTile = 16;      // TILE in prefill_attention.cu and prefill_attention_mma.cu
    private const int TensorCoreWarps = 4;     // WARPS in prefill_attention_mma.cu: one query head each

    public CudaStream Stream { get; } = stream;
    public CublasHandle Cublas { get; } = cublas;
    public int MultiprocessorCount { get; } = multiprocessorCount;

    /// <summary>The partial-sum scratch; throws when the backend sized none, which would be a sizing bug.</summary>
    public ulong Partials => partials?.Pointer ?? throw new InvalidOperationException("A split launch needs the partial-sum scratch, and none was allocated.");

    /// <summary>The unpacked-weight scratch; throws when the backend sized none, which would be a sizing bug.</summary>
    public ulong Unpacked => unpacked?.Pointer ?? throw new InvalidOperationException("A GPTQ multiply of many tokens needs the unpacked-weight scratch, and none was allocated.");

    public static int TileSize => AttentionTile;

    public void Embedding(ulong table, CudaDtype dtype, ulong tokens, int hidden, ulong output, int tokenCount)
    {
        var code = (int)dtype;
        void** args = stackalloc void*[] { &table, &code, &tokens, &hidden, &output };
        Launch("embedding_gather", (uint)tokenCount, Threads, args);
    }

    public void AddRmsNorm(ulong residual, ulong delta, ulong rows, ulong weight, float eps, int width, ulong output, CudaDtype outputDtype, int rowCount)
    {
        var code = (int)outputDtype;
        void** args = stackalloc void*[] { &residual, &delta, &rows, &weight, &eps, &width, &output, &code };
        Launch("add_rmsnorm", (uint)rowCount, RowThreads(width), args);
    }

    public void BiasAdd(ulong x, ulong bias, int width, int rows)
    {
        void** args = stackalloc void*[] { &x, &bias, &width, &rows };
        Launch("bias_add", GridStride((long)width * rows), Threads, args);
    }

    public void HeadRmsNorm(ulong x, ulong weight, float eps, int headDim, int heads)
    {
        void** args = stackalloc void*[] { &x, &weight, &eps, &headDim, &heads };
        Launch("head_rmsnorm", (uint)((heads + (Threads / 32) - 1) / (Threads / 32)), Threads, args);
    }

    /// <summary>Rotates queries in place and keys on their way into the cache, and stores the values beside them.</summary>
    public void RopeKvWrite(ulong q, ulong k, ulong v, AttentionInputs inputs, ulong inverseFrequencies, ulong slots, ulong keyCache, ulong valueCache, CudaDtype cacheDtype, int tokenCount)
    {
        int dtype = (int)cacheDtype, qHeads = inputs.QHeads, kvHeads = inputs.KvHeads, headDim = inputs.HeadDim;
        var positions = inputs.Positions;
        void** args = stackalloc void*[] { &q, &k, &v, &positions, &inverseFrequencies, &slots, &keyCache, &valueCache, &dtype, &qHeads, &kvHeads, &headDim };
        Launch("rope_kv_write", (uint)tokenCount, RowThreads(qHeads * headDim / 2), args);
    }

    /// <summary>Decode attention split over the context (DecodeAttentionSplits chooses <paramref name="splits"/>), then merged.</summary>
    public void DecodeAttention(ulong q, ulong keyCache, ulong valueCache, CudaDtype cacheDtype, AttentionInputs inputs, int tokenCount, int splits, ulong output, CudaDtype outputDtype)
    {
        int dtype = (int)cacheDtype, outDtype = (int)outputDtype, maxBlocks = inputs.MaxBlocks, qHeads = inputs.QHeads, kvHeads = inputs.KvHeads, headDim = inputs.HeadDim;
        ulong tables = inputs.BlockTables, sequences = inputs.SequenceOfToken, positions = inputs.Positions, partial = splits > 1 ? Partials : 0;
        var scale = 1f / MathF.Sqrt(headDim);
        void** args = stackalloc void*[] { &q, &keyCache, &valueCache, &dtype, &tables, &maxBlocks, &sequences, &positions, &qHeads, &kvHeads, &headDim, &scale, &output, &outDtype, &partial };
        kernels["decode_attention"].Launch(Stream, ((uint)splits, (uint)kvHeads, (uint)tokenCount), AttentionThreads, 0, args);
        if (splits > 1)
        {
            void** merge = stackalloc void*[] { &partial, &splits, &qHeads, &headDim, &output, &outDtype };
            kernels["decode_attention_reduce"].Launch(Stream, ((uint)tokenCount, (uint)qHeads, 1u), AttentionThreads, 0, merge);
        }
    }

    /// <summary>Whether prefill attention runs on tensor cores (prefill_attention_mma.cu): 16-bit caches and head_dim a multiple of 16 up to 128.</summary>
    public static bool PrefillUsesTensorCores(CudaDtype cacheDtype, int headDim) => cacheDtype != CudaDtype.Float32 && headDim % 16 == 0 && headDim <= 128;

    /// <summary>Prefill attention over tiles of up to 16 tokens of one sequence: on tensor cores, one block per (tile, kv head,
    /// 4 heads of its group), where <see cref="PrefillUsesTensorCores"/> allows; otherwise one block per (tile, query head).</summary>
    public void PrefillAttention(ulong q, ulong keyCache, ulong valueCache, CudaDtype cacheDtype, AttentionInputs inputs, ulong tiles, int tileCount, ulong output, CudaDtype outputDtype)
    {
        int dtype = (int)cacheDtype, outDtype = (int)outputDtype, maxBlocks = inputs.MaxBlocks, qHeads = inputs.QHeads, kvHeads = inputs.KvHeads, headDim = inputs.HeadDim;
        ulong tables = inputs.BlockTables, sequences = inputs.SequenceOfToken, positions = inputs.Positions;
        var scale = 1f / MathF.Sqrt(headDim);
        void** args = stackalloc void*[] { &q, &keyCache, &valueCache, &dtype, &tables, &maxBlocks, &sequences, &positions, &tiles, &qHeads, &kvHeads, &headDim, &scale, &output, &outDtype };
        if (PrefillUsesTensorCores(cacheDtype, headDim))
        {
            var headPasses = (uint)((qHeads / kvHeads + TensorCoreWarps - 1) / TensorCoreWarps);
            kernels["prefill_attention_mma"].Launch(Stream, ((uint)tileCount, (uint)kvHeads, headPasses), AttentionThreads, 0, args);
            return;
        }

        kernels["prefill_attention"].Launch(Stream, ((uint)tileCount, (uint)qHeads), AttentionThreads, 0, args);
    }

    public void SiluAndMul(ulong gate, ulong up, long count, ulong output, CudaDtype dtype)
    {
        var code = (int)dtype;
        void** args = stackalloc void*[] { &gate, &up, &count, &output, &code };
        Launch("silu_and_mul", GridStride(count), Threads, args);
    }

    /// <summary>The GPTQ GEMV over <paramref name="splits"/> splits of the inputs; with more than one, <paramref name="y"/> receives [splits, tokens, out] partial sums.</summary>
    public void GptqGemv(GptqDeviceWeight weight, GptqInput input, int tokens, int splits, int splitLength, ulong y)
    {
        var xDtype = (int)CudaDtype.Float16;
        ulong x = input.X, gate = input.Gate, up = input.Up, order = weight.InputOrder, qweight = weight.QWeight, qzeros = weight.QZeros, scales = weight.Scales;
        int inFeatures = weight.InFeatures, outFeatures = weight.OutFeatures, groupSize = weight.GroupSize;
        void** args = stackalloc void*[] { &x, &xDtype, &gate, &up, &order, &qweight, &qzeros, &scales, &inFeatures, &outFeatures, &groupSize, &tokens, &splitLength, &y };
        var rows = GptqLaunchPlan.GemvRows(tokens);
        var grid = ((uint)((outFeatures + GptqLaunchPlan.GemvThreads - 1) / GptqLaunchPlan.GemvThreads), (uint)((tokens + rows - 1) / rows), (uint)splits);
        kernels[$"gptq_gemv{rows}"].Launch(Stream, grid, GptqLaunchPlan.GemvThreads, 0, args);
    }

    /// <summary>The GPTQ tensor-core GEMM over <paramref name="splits"/> splits of the inputs; with more than one, <paramref name="y"/> receives partial sums.</summary>
    public void GptqGemm(GptqDeviceWeight weight, GptqInput input, int tokens, int splits, int splitLength, ulong y)
    {
        ulong x = input.X, gate = input.Gate, up = input.Up, order = weight.InputOrder, qweight = weight.QWeight, qzeros = weight.QZeros, scales = weight.Scales;
        int inFeatures = weight.InFeatures, outFeatures = weight.OutFeatures, groupSize = weight.GroupSize;
        void** args = stackalloc void*[] { &x, &gate, &up, &order, &qweight, &qzeros, &scales, &inFeatures, &outFeatures, &groupSize, &tokens, &splitLength, &y };
        var grid = ((uint)((outFeatures + GptqLaunchPlan.GemmTile - 1) / GptqLaunchPlan.GemmTile), (uint)((tokens + GptqLaunchPlan.GemmTile - 1) / GptqLaunchPlan.GemmTile), (uint)splits);
        kernels["gptq_gemm"].Launch(Stream, grid, GemmThreads, 0, args);
    }

    /// <summary>Unpacks a GPTQ weight into <paramref name="w"/>, f16 [in, out] in x's column order (gptq_unpack.cu).</summary>
    public void GptqUnpack(GptqDeviceWeight weight, ulong w)
    {
        ulong order = weight.InputOrder, qweight = weight.QWeight, qzeros = weight.QZeros, scales = weight.Scales;
        int outFeatures = weight.OutFeatures, groupSize = weight.GroupSize;
        void** args = stackalloc void*[] { &order, &qweight, &qzeros, &scales, &outFeatures, &groupSize, &w };
        kernels["gptq_unpack"].Launch(Stream, ((uint)((outFeatures + Threads - 1) / Threads), (uint)(weight.InFeatures / 8)), Threads, 0, args);
    }

    /// <summary>y = the sum of <paramref name="splits"/> partial arrays of <paramref name="count"/> floats each.</summary>
    public void SplitKReduce(ulong partial, int splits, long count, ulong y)
    {
        void** args = stackalloc void*[] { &partial, &splits, &count, &y };
        Launch("splitk_reduce", GridStride(count), Threads, args);
    }

    /// <summary>LoRA shrink: u[t, j] = scale·A_j·x[t] for the adapter in each token's slot (0 beyond its rank, or none).</summary>
    public void LoraShrink(ulong x, CudaDtype xDtype, int inFeatures, ulong tokenSlots, ulong aTable, ulong ranks, ulong scales, int maxRank, int tokenCount, ulong u)
    {
        var dtype = (int)xDtype;
        void** args = stackalloc void*[] { &x, &dtype, &inFeatures, &tokenSlots, &aTable, &ranks, &scales, &maxRank, &u };
        const uint Warps = Threads / 32;
        kernels["lora_shrink"].Launch(Stream, ((uint)tokenCount, (uint)((maxRank + Warps - 1) / Warps)), Threads, 0, args);
    }

    /// <summary>LoRA expand: y[t] += Bᵀ·u[t] for the adapter in each token's slot.</summary>
    public void LoraExpand(ulong u, int maxRank, ulong tokenSlots, ulong bTable, ulong ranks, int outFeatures, int tokenCount, ulong y)
    {
        void** args = stackalloc void*[] { &u, &maxRank, &tokenSlots, &bTable, &ranks, &outFeatures, &tokenCount, &y };
        Launch("lora_expand", GridStride((long)tokenCount * outFeatures), Threads, args);
    }

    // A block per row (a token's hidden state or heads) with about four elements per thread, from 128 to 1,024 threads:
    // a row of 4,096 walked by 256 threads took each of them 16 dependent trips to memory, 15 µs on an H200 at batch 1.
    private static uint RowThreads(int elements) => (uint)Math.Clamp((elements / 4 + 31) / 32 * 32, 128, 1024);

    // Enough blocks to fill any current GPU several times over; grid-stride kernels loop over the rest.
    private static uint GridStride(long count) => (uint)Math.Clamp((count + Threads - 1) / Threads, 1, 4096);

    private void Launch(string kernel, uint blocks, uint threads, void** args) => kernels[kernel].Launch(Stream, (blocks, 1), threads, 0, args);
}

/// <summary>What a GPTQ multiply reads: f16 activations X, or (Gate, Up) f32 from which it computes silu(gate) · up as it loads.</summary>
internal readonly record struct GptqInput(ulong X, ulong Gate, ulong Up)
{
    public static GptqInput Activations(ulong x) => new(x, 0, 0);

    public static GptqInput SiluOf(ulong gate, ulong up) => new(0, gate, up);
}

/// <summary>A GPTQ weight's device tensors, as the kernels take them: rows of qweight sorted by group, input_order mapping them back.</summary>
internal readonly record struct GptqDeviceWeight(ulong QWeight, ulong QZeros, ulong Scales, ulong InputOrder, int InFeatures, int OutFeatures, int GroupSize);

/// <summary>Where attention finds each token's sequence, position and block table, and the head shape.</summary>
internal readonly record struct AttentionInputs(ulong BlockTables, int MaxBlocks, ulong SequenceOfToken, ulong Positions, int QHeads, int KvHeads, int HeadDim);
