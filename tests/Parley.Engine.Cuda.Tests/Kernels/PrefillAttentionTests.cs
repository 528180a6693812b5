// Both prefill attention kernels against the CPU's paged attention, their twin: two sequences prefilling, 21 tokens
// after 11 cached ones (tiles of 16 and 5) and 3 tokens from the start. 16-bit caches with head_dim a multiple of 16 run
// the tensor-core kernel (prefill_attention_mma.cu; on the emulator its mma steps are tensor_core.cuh's software twin,
// everything else as on a GPU), the rest the scalar one; each case asserts which. The CPU reads the cache values rounded
// as the GPU stores them; the tensor-core kernel also rounds q·scale and the softmax weights P to the cache's dtype
// before multiplying, which bounds its difference by about 2^-8 relative for bf16 (8-bit mantissa) and 2^-11 for f16
// on outputs of magnitude below 1: the tolerances below are those, doubled. A wrong fragment, mask or row is off by ~1.
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Backends.Cuda;

namespace Parley.Engine.Cuda.Tests.Kernels;

public sealed class PrefillAttentionTests : KernelHarness
{
    [Theory]
    [InlineData(4, 1, 24, CudaDtype.Float32, false, 1e-5f)]
    [InlineData(4, 2, 40, CudaDtype.Float16, false, 1e-5f)]
    [InlineData(8, 2, 64, CudaDtype.BFloat16, true, 1f / 128)]
    [InlineData(6, 1, 32, CudaDtype.Float16, true, 1f / 1024)]
    [InlineData(4, 4, 16, CudaDtype.BFloat16, true, 1f / 128)]
    public unsafe void PrefillAttention_EveryTokenOfEveryTile_MatchesTheCpuKernel(int qHeads, int kvHeads, int headDim, CudaDtype cacheDtype, bool onTensorCores, float tolerance)
    {
        const int Blocks = 8, MaxBlocks = 4;
        int[][] tables = [[4, 2, 6], [1]];
        int[] sequenceOfToken = [.. Enumerable.Repeat(0, 21), 1, 1, 1], positions = [.. Enumerable.Range(11, 21), 0, 1, 2];
        int[] tiles = [0, 16, 16, 5, 21, 3];
        var cacheLength = Blocks * kvHeads * 16 * headDim;
        float[] keys = Rounded(Random(cacheLength), cacheDtype), values = Rounded(Random(cacheLength), cacheDtype);
        var queries = Random(positions.Length * qHeads * headDim);
        ulong output = Upload(new float[queries.Length]);
        var inputs = new AttentionInputs(Upload(Rows(tables, MaxBlocks)), MaxBlocks, Upload(sequenceOfToken), Upload(positions), qHeads, kvHeads, headDim);

        Ops.PrefillAttention(Upload(queries), UploadCache(keys, cacheDtype), UploadCache(values, cacheDtype), cacheDtype, inputs, Upload(tiles), tiles.Length / 2, output, CudaDtype.Float32);

        var expected = new float[queries.Length];
        using var layout = new Parley.Engine.Backends.Cpu.PagedKvCache(1, Blocks, kvHeads, headDim);
        var group = qHeads / kvHeads;
        fixed (float* k = keys, v = values, q = queries, o = expected)
        {
            var scores = new float[group * 64];
            fixed (float* scratch = scores)
            {
                for (var t = 0; t < positions.Length; t++)
                {
                    for (var kvHead = 0; kvHead < kvHeads; kvHead++)
                    {
                        var first = ((t * qHeads) + (kvHead * group)) * headDim;
                        PagedAttention.Compute(q + first, k, v, tables[sequenceOfToken[t]], positions[t] + 1, kvHead, layout, group, scratch, o + first);
                    }
                }
            }
        }

        CudaOps.PrefillUsesTensorCores(cacheDtype, headDim).Should().Be(onTensorCores);
        Check(onTensorCores ? "prefill_attention_mma" : "prefill_attention", Download(output, queries.Length), expected, tolerance);
    }
}
