// Each CUDA kernel alone against its CPU twin, on the emulated CUDA: whole-model parity says that something differs,
// these say which kernel. A failure prints the largest difference and the first index beyond the tolerance, with both
// values (llm.c's check_tensor). Widths are odd and not multiples of the block size, so tails are exercised. The GPTQ
// kernels are checked against the weights GptqPacker's packing stands for (Dequantize, the CPU reference).
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Backends.Cuda;
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Engine.Models;
using Parley.Gpu.Tests;
using Parley.Testing;

namespace Parley.Engine.Cuda.Tests;

public sealed class KernelParityTests : IDisposable
{
    private const float Tolerance = 1e-5f;
    private readonly CudaDevice _device;
    private readonly CudaStream _stream;
    private readonly CublasHandle _cublas;
    private readonly CudaKernels _kernels;
    private readonly CudaOps _ops;
    private readonly List<DeviceBuffer> _buffers = [];
    private readonly Random _random = new(7);

    static KernelParityTests() => CudaEmulator.UseInThisProcess();

    public KernelParityTests()
    {
        _device = CudaDevice.Open();
        _stream = new CudaStream();
        _cublas = new CublasHandle(_stream);
        _kernels = new CudaKernels(new KernelCompiler(TinyBackends.PtxCache), _device.ComputeCapability);
        _ops = new CudaOps(_kernels, _stream, _cublas, gptqScratch: null);
    }

    [Theory]
    [InlineData(1, 64)]
    [InlineData(3, 257)]
    public void AddRmsNorm_MatchesResidualAddThenRmsNorm(int rows, int width)
    {
        float[] residual = Random(rows * width), delta = Random(rows * width), weight = Random(width);
        ulong h = Upload(residual), d = Upload(delta), w = Upload(weight), output = Upload(new float[rows * width]);

        _ops.AddRmsNorm(h, d, 0, w, 1e-6f, width, output, CudaDtype.Float32, rows);

        var expected = new float[rows * width];
        var sums = residual.Zip(delta, (a, b) => a + b).ToArray();
        for (var row = 0; row < rows; row++)
        {
            RmsNorm.Apply(sums.AsSpan(row * width, width), weight, 1e-6f, expected.AsSpan(row * width, width));
        }

        Check("add_rmsnorm residual", Download(h, rows * width), sums);
        Check("add_rmsnorm output", Download(output, rows * width), expected);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public void SiluAndMul_MatchesTheCpuKernel(int count)
    {
        float[] gate = Random(count), up = Random(count);
        ulong g = Upload(gate), u = Upload(up), output = Upload(new float[count]);

        _ops.SiluAndMul(g, u, count, output, CudaDtype.Float32);

        var expected = new float[count];
        SiluAndMul.Apply(gate, up, expected);
        Check("silu_and_mul", Download(output, count), expected);
    }

    [Fact]
    public void Rope_MatchesTheCpuRotationAtEveryPosition()
    {
        const int Heads = 3, HeadDim = 64;
        int[] positions = [0, 7, 300, 4095];
        var rope = new Rope(HeadDim, 500000, scaling: null);
        var x = Random(positions.Length * Heads * HeadDim);
        ulong device = Upload(x), positionsOnDevice = Upload(positions), frequencies = Upload(rope.InverseFrequencies.ToArray());

        _ops.Rope(device, positionsOnDevice, frequencies, Heads, HeadDim, positions.Length);

        var expected = x.ToArray();
        float[] cos = new float[HeadDim / 2], sin = new float[HeadDim / 2];
        for (var t = 0; t < positions.Length; t++)
        {
            rope.Angles(positions[t], cos, sin);
            for (var head = 0; head < Heads; head++)
            {
                Rope.Apply(expected.AsSpan(((t * Heads) + head) * HeadDim, HeadDim), cos, sin);
            }
        }

        // Angles of thousands of radians: cosf/sinf of the emulator and MathF differ by a few ulps of the angle.
        Check("rope_neox", Download(device, x.Length), expected, tolerance: 2e-4f);
    }

    [Fact]
    public void KvWrite_PutsEachTokenAtItsSlotInTheBlockLayout()
    {
        const int KvHeads = 2, HeadDim = 24, Blocks = 4, BlockSize = 16;
        int[] slots = [17, 18, 3, 63, -1];   // -1: a padded token that writes nothing
        float[] k = Random(slots.Length * KvHeads * HeadDim), v = Random(slots.Length * KvHeads * HeadDim);
        var cacheLength = Blocks * KvHeads * BlockSize * HeadDim;
        ulong keys = Upload(new float[cacheLength]), values = Upload(new float[cacheLength]);

        _ops.KvWrite(Upload(k), Upload(v), Upload(slots), keys, values, CudaDtype.Float32, KvHeads, HeadDim, slots.Length);

        // The cache layout, [block][kvHead][slot][headDim], as CudaKvCache and the attention kernels read it.
        float[] expectedKeys = new float[cacheLength], expectedValues = new float[cacheLength];
        for (var t = 0; t < slots.Length; t++)
        {
            if (slots[t] < 0)
            {
                continue;
            }

            for (var head = 0; head < KvHeads; head++)
            {
                var at = ((((slots[t] / BlockSize) * KvHeads) + head) * BlockSize + (slots[t] % BlockSize)) * HeadDim;
                k.AsSpan(((t * KvHeads) + head) * HeadDim, HeadDim).CopyTo(expectedKeys.AsSpan(at));
                v.AsSpan(((t * KvHeads) + head) * HeadDim, HeadDim).CopyTo(expectedValues.AsSpan(at));
            }
        }

        Check("kv_write keys", Download(keys, cacheLength), expectedKeys, tolerance: 0);
        Check("kv_write values", Download(values, cacheLength), expectedValues, tolerance: 0);
    }

    [Fact]
    public unsafe void PagedAttention_MatchesTheCpuKernelForEachTokenAndHead()
    {
        const int QHeads = 4, KvHeads = 2, HeadDim = 40, Blocks = 8, MaxBlocks = 4;
        int[] contexts = [20, 37, 1];
        int[][] tables = [[3, 1], [2, 5, 7], [6]];
        var cacheLength = Blocks * KvHeads * 16 * HeadDim;
        float[] keys = Random(cacheLength), values = Random(cacheLength), queries = Random(contexts.Length * QHeads * HeadDim);
        ulong output = Upload(new float[queries.Length]);
        var inputs = new AttentionInputs(Upload(Rows(tables, MaxBlocks)), MaxBlocks, Upload(new[] { 0, 1, 2 }), Upload(contexts.Select(c => c - 1).ToArray()), QHeads, KvHeads, HeadDim);

        _ops.PagedAttention(Upload(queries), Upload(keys), Upload(values), CudaDtype.Float32, inputs, contexts.Length, output, CudaDtype.Float32);

        var expected = new float[queries.Length];
        using var layout = new Parley.Engine.Backends.Cpu.PagedKvCache(1, Blocks, KvHeads, HeadDim);
        const int Group = QHeads / KvHeads;
        fixed (float* k = keys, v = values, q = queries, o = expected)
        {
            var scores = new float[Group * contexts.Max()];
            fixed (float* scratch = scores)
            {
                for (var t = 0; t < contexts.Length; t++)
                {
                    for (var kvHead = 0; kvHead < KvHeads; kvHead++)
                    {
                        var first = ((t * QHeads) + (kvHead * Group)) * HeadDim;
                        PagedAttention.Compute(q + first, k, v, tables[t], contexts[t], kvHead, layout, Group, scratch, o + first);
                    }
                }
            }
        }

        Check("paged_attention", Download(output, queries.Length), expected);
    }

    [Fact]
    public unsafe void PrefillAttention_MatchesTheCpuKernelForEveryTokenOfEveryTile()
    {
        // Two sequences prefilling: 21 tokens after 11 cached ones (tiles of 16 and 5), and 3 tokens from the start.
        const int QHeads = 4, KvHeads = 1, HeadDim = 24, Blocks = 8, MaxBlocks = 4;
        int[][] tables = [[4, 2, 6], [1]];
        int[] sequenceOfToken = [.. Enumerable.Repeat(0, 21), 0, 0, 0], positions = [.. Enumerable.Range(11, 21), 0, 1, 2];
        sequenceOfToken[21] = sequenceOfToken[22] = sequenceOfToken[23] = 1;
        int[] tiles = [0, 16, 16, 5, 21, 3];
        var cacheLength = Blocks * KvHeads * 16 * HeadDim;
        float[] keys = Random(cacheLength), values = Random(cacheLength), queries = Random(positions.Length * QHeads * HeadDim);
        ulong output = Upload(new float[queries.Length]);
        var inputs = new AttentionInputs(Upload(Rows(tables, MaxBlocks)), MaxBlocks, Upload(sequenceOfToken), Upload(positions), QHeads, KvHeads, HeadDim);

        _ops.PrefillAttention(Upload(queries), Upload(keys), Upload(values), CudaDtype.Float32, inputs, Upload(tiles), tiles.Length / 2, output, CudaDtype.Float32);

        var expected = new float[queries.Length];
        using var layout = new Parley.Engine.Backends.Cpu.PagedKvCache(1, Blocks, KvHeads, HeadDim);
        fixed (float* k = keys, v = values, q = queries, o = expected)
        {
            var scores = new float[QHeads * 64];
            fixed (float* scratch = scores)
            {
                for (var t = 0; t < positions.Length; t++)
                {
                    var first = t * QHeads * HeadDim;
                    PagedAttention.Compute(q + first, k, v, tables[sequenceOfToken[t]], positions[t] + 1, 0, layout, QHeads, scratch, o + first);
                }
            }
        }

        Check("prefill_attention", Download(output, queries.Length), expected);
    }

    [Theory]
    [InlineData(128, true)]
    [InlineData(128, false)]
    [InlineData(-1, false)]
    public void GptqGemvAndDequant_MatchTheWeightsThePackerStandsFor(int groupSize, bool symmetric)
    {
        const int Out = 64, In = 256, Tokens = 11;   // 11 tokens: one full TOKENS tile of 8 and a partial one
        var tensors = GptqPacker.Quantize(Random(Out * In), Out, In, groupSize, symmetric, actOrder: false, _random);
        var dense = GptqPacker.Dequantize(tensors, Out, In);               // [out, in]
        var x = Random(Tokens * In).Select(v => (Half)v).ToArray();        // the kernel reads f16 activations
        ulong qweight = Upload(tensors.QWeight), qzeros = Upload(tensors.QZeros), scales = Upload(tensors.Scales);
        ulong order = Upload(Enumerable.Range(0, In).ToArray()), y = Upload(new float[Tokens * Out]), w = Upload(new Half[Out * In]);

        var size = groupSize > 0 ? groupSize : In;   // the kernels take the group's length, as ModelWeights gives it
        _ops.GptqGemv(Upload(x), order, qweight, qzeros, scales, In, Out, size, Tokens, y);
        _ops.GptqDequant(order, qweight, qzeros, scales, In, Out, size, w);

        var expected = new float[Tokens * Out];
        for (var t = 0; t < Tokens; t++)
        {
            for (var o = 0; o < Out; o++)
            {
                var sum = 0.0;
                for (var i = 0; i < In; i++)
                {
                    sum += (double)(float)x[(t * In) + i] * dense[(o * In) + i];
                }

                expected[(t * Out) + o] = (float)sum;
            }
        }

        Check("gptq_gemv", Download(y, Tokens * Out), expected, tolerance: 1e-4f);
        var dequantized = new Half[Out * In];
        _buffers.Single(buffer => buffer.Pointer == w).DownloadNow<Half>(dequantized, _stream.Handle);
        Check("gptq_dequant", [.. dequantized.Select(v => (float)v)], [.. dense.Select(v => (float)(Half)v)], tolerance: 0);
    }

    public void Dispose()
    {
        _buffers.ForEach(buffer => buffer.Dispose());
        _kernels.Dispose();
        _cublas.Dispose();
        _stream.Dispose();
        _device.Dispose();
    }

    // Block tables as the kernels read them: one row of maxBlocks per sequence.
    private static int[] Rows(int[][] tables, int maxBlocks)
    {
        var rows = new int[tables.Length * maxBlocks];
        for (var s = 0; s < tables.Length; s++)
        {
            tables[s].CopyTo(rows, s * maxBlocks);
        }

        return rows;
    }

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

        _ops.LoraShrink(Upload(x), CudaDtype.Float32, In, slots, Upload(aTable), rankTable, Upload(scales), MaxRank, tokenSlots.Length, shrunk);
        _ops.LoraExpand(shrunk, MaxRank, slots, Upload(bTable), rankTable, Out, tokenSlots.Length, output);

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

        _ops.LoraShrink(Upload(Random(2 * In)), CudaDtype.Float32, In, Upload(new[] { 0, -1 }), Upload(new ulong[] { 0 }), Upload(new[] { 4 }), Upload(new[] { 1f }), MaxRank, 2, shrunk);

        Download(shrunk, 2 * MaxRank).Should().OnlyContain(value => value == 0f);
    }

    private float[] Random(int count) => Enumerable.Range(0, count).Select(_ => (float)((_random.NextDouble() * 2) - 1)).ToArray();

    private ulong Upload<T>(T[] values)
        where T : unmanaged
    {
        var buffer = new DeviceBuffer(Math.Max(1, values.Length) * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        _buffers.Add(buffer);
        buffer.UploadNow<T>(values, _stream.Handle);
        return buffer.Pointer;
    }

    private float[] Download(ulong pointer, int count)
    {
        var values = new float[count];
        _buffers.Single(buffer => buffer.Pointer == pointer).DownloadNow<float>(values, _stream.Handle);
        return values;
    }

    private static void Check(string name, float[] actual, float[] expected, float tolerance = Tolerance)
    {
        actual.Should().HaveCount(expected.Length);
        var (worst, at, first) = (0f, 0, -1);
        for (var i = 0; i < actual.Length; i++)
        {
            var difference = MathF.Abs(actual[i] - expected[i]);
            if (difference > worst || float.IsNaN(difference))
            {
                (worst, at) = (float.IsNaN(difference) ? float.PositiveInfinity : difference, i);
            }

            if (first < 0 && !(difference <= tolerance))
            {
                first = i;
            }
        }

        first.Should().Be(-1,
            $"{name}: maxdiff {worst:E2} at {at} (CUDA {actual[at]}, CPU {expected[at]}); first beyond {tolerance:E0} at {Math.Max(first, 0)} (CUDA {actual[Math.Max(first, 0)]}, CPU {expected[Math.Max(first, 0)]})");
    }
}
