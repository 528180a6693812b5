// One method per kernel: launch geometry and the exact parameter types of each .cu signature live here, so the
// forward pass reads as a list of operations. Device pointers are ulong, i64 is long, everything else int or float.
using Parley.Engine.Backends.Cuda.Driver;

namespace Parley.Engine.Backends.Cuda;

/// <summary>Queues kernels and GEMMs on one stream.</summary>
internal sealed unsafe class CudaOps(CudaKernels kernels, CudaStream stream, CublasHandle cublas, DeviceBuffer? gptqScratch)
{
    private const uint Threads = 256;
    private const uint AttentionThreads = 128; // WARPS × 32 in paged_attention.cu and prefill_attention.cu
    private const int GemvTokens = 8;         // TOKENS in gptq_gemv.cu
    private const int AttentionTile = 16;     // TILE in prefill_attention.cu

    public CudaStream Stream { get; } = stream;
    public CublasHandle Cublas { get; } = cublas;
    public DeviceBuffer? GptqScratch { get; } = gptqScratch;

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
        Launch("add_rmsnorm", (uint)rowCount, Threads, args);
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

    public void Rope(ulong x, ulong positions, ulong inverseFrequencies, int heads, int headDim, int tokenCount)
    {
        void** args = stackalloc void*[] { &x, &positions, &inverseFrequencies, &heads, &headDim };
        Launch("rope_neox", (uint)tokenCount, 128, args);
    }

    public void KvWrite(ulong k, ulong v, ulong slots, ulong keyCache, ulong valueCache, CudaDtype dtype, int kvHeads, int headDim, int tokenCount)
    {
        var code = (int)dtype;
        void** args = stackalloc void*[] { &k, &v, &slots, &keyCache, &valueCache, &code, &kvHeads, &headDim };
        Launch("kv_write", (uint)tokenCount, 128, args);
    }

    /// <summary>Decode attention: one thread block per (token, query head).</summary>
    public void PagedAttention(ulong q, ulong keyCache, ulong valueCache, CudaDtype cacheDtype, AttentionInputs inputs, int tokenCount, ulong output, CudaDtype outputDtype)
    {
        int dtype = (int)cacheDtype, outDtype = (int)outputDtype, maxBlocks = inputs.MaxBlocks, qHeads = inputs.QHeads, kvHeads = inputs.KvHeads, headDim = inputs.HeadDim;
        ulong tables = inputs.BlockTables, sequences = inputs.SequenceOfToken, positions = inputs.Positions;
        var scale = 1f / MathF.Sqrt(headDim);
        void** args = stackalloc void*[] { &q, &keyCache, &valueCache, &dtype, &tables, &maxBlocks, &sequences, &positions, &qHeads, &kvHeads, &headDim, &scale, &output, &outDtype };
        kernels["paged_attention"].Launch(Stream, ((uint)tokenCount, (uint)qHeads), AttentionThreads, 0, args);
    }

    /// <summary>Prefill attention: one thread block per (tile of up to 16 tokens of one sequence, query head).</summary>
    public void PrefillAttention(ulong q, ulong keyCache, ulong valueCache, CudaDtype cacheDtype, AttentionInputs inputs, ulong tiles, int tileCount, ulong output, CudaDtype outputDtype)
    {
        int dtype = (int)cacheDtype, outDtype = (int)outputDtype, maxBlocks = inputs.MaxBlocks, qHeads = inputs.QHeads, kvHeads = inputs.KvHeads, headDim = inputs.HeadDim;
        ulong tables = inputs.BlockTables, sequences = inputs.SequenceOfToken, positions = inputs.Positions;
        var scale = 1f / MathF.Sqrt(headDim);
        void** args = stackalloc void*[] { &q, &keyCache, &valueCache, &dtype, &tables, &maxBlocks, &sequences, &positions, &tiles, &qHeads, &kvHeads, &headDim, &scale, &output, &outDtype };
        kernels["prefill_attention"].Launch(Stream, ((uint)tileCount, (uint)qHeads), AttentionThreads, 0, args);
    }

    public void SiluAndMul(ulong gate, ulong up, long count, ulong output, CudaDtype dtype)
    {
        var code = (int)dtype;
        void** args = stackalloc void*[] { &gate, &up, &count, &output, &code };
        Launch("silu_and_mul", GridStride(count), Threads, args);
    }

    public void GptqGemv(ulong x, ulong inputOrder, ulong qweight, ulong qzeros, ulong scales, int inFeatures, int outFeatures, int groupSize, int tokens, ulong y)
    {
        var xDtype = (int)CudaDtype.Float16;
        void** args = stackalloc void*[] { &x, &xDtype, &inputOrder, &qweight, &qzeros, &scales, &inFeatures, &outFeatures, &groupSize, &tokens, &y };
        var grid = ((uint)((outFeatures + Threads - 1) / Threads), (uint)((tokens + GemvTokens - 1) / GemvTokens));
        kernels["gptq_gemv"].Launch(Stream, grid, Threads, 0, args);
    }

    public void GptqDequant(ulong inputOrder, ulong qweight, ulong qzeros, ulong scales, int inFeatures, int outFeatures, int groupSize, ulong w)
    {
        var wDtype = (int)CudaDtype.Float16;
        void** args = stackalloc void*[] { &inputOrder, &qweight, &qzeros, &scales, &inFeatures, &outFeatures, &groupSize, &w, &wDtype };
        Launch("gptq_dequant", GridStride((long)inFeatures * outFeatures), Threads, args);
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

    // Enough blocks to fill any current GPU several times over; grid-stride kernels loop over the rest.
    private static uint GridStride(long count) => (uint)Math.Clamp((count + Threads - 1) / Threads, 1, 4096);

    private void Launch(string kernel, uint blocks, uint threads, void** args) => kernels[kernel].Launch(Stream, (blocks, 1), threads, 0, args);
}

/// <summary>Where attention finds each token's sequence, position and block table, and the head shape.</summary>
internal readonly record struct AttentionInputs(ulong BlockTables, int MaxBlocks, ulong SequenceOfToken, ulong Positions, int QHeads, int KvHeads, int HeadDim);
