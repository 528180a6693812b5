// Each kernel alone on the shapes the goals name (Llama-3-8B GPTQ-int4, Qwen2-1.5B bf16), timed over back-to-back
// launches, with the bytes it must move per call (the formula in its .cu file's comment) turned into achieved GB/s
// beside the device's peak: a memory-bound kernel near the peak has nothing left to gain, one far below it does.
// Printed, never asserted. Buffers hold zeros: speed does not depend on the values, and nothing is uploaded.
// --tiny: small shapes and one timed launch, so the emulated CUDA runs every code path in seconds.
using System.Diagnostics;
using Parley.Engine.Backends.Cuda;
using Parley.Engine.Backends.Cuda.Driver;

namespace Parley.Gpu.Tests;

internal static class KernelBench
{
    private sealed record Linear(string Name, int In, int Out);

    private sealed record Attention(string Model, int QHeads, int KvHeads, int HeadDim);

    private static readonly Linear[] Llama8BLinears =
    [
        new("q", 4096, 4096), new("k/v", 4096, 1024), new("o", 4096, 4096), new("gate/up", 4096, 14336), new("down", 14336, 4096),
    ];

    private static readonly Linear[] Qwen15BLinears =
    [
        new("q", 1536, 1536), new("k/v", 1536, 256), new("o", 1536, 1536), new("gate/up", 1536, 8960), new("down", 8960, 1536), new("lm_head", 1536, 151936),
    ];

    private static readonly Attention[] Attentions = [new("Llama-3-8B", 32, 8, 128), new("Qwen2-1.5B", 12, 2, 128)];

    public static int Run(string[] args)
    {
        var tiny = args.Contains("--tiny");
        using var device = CudaDevice.Open();
        using var stream = new CudaStream();
        using var cublas = new CublasHandle(stream);
        using var kernels = new CudaKernels(new KernelCompiler(TinyBackends.PtxCache), device.ComputeCapability);
        using var arena = new Arena(stream);
        var partials = arena.ZerosBuffer(16L << 20);   // the largest split launch below needs under 4 MB
        var linears = tiny ? [new Linear("tiny", 256, 128)] : Llama8BLinears;
        var unpacked = arena.ZerosBuffer(linears.Max(linear => (long)linear.In * linear.Out * 2));
        var ops = new CudaOps(kernels, stream, cublas, partials, device.MultiprocessorCount, unpacked);
        var peak = device.MemoryBandwidthBytesPerSecond;
        var repeats = tiny ? 1 : 20;
        Console.WriteLine($"kernels on {device.Name}, {device.MultiprocessorCount} SMs, peak {peak / 1e9:F0} GB/s; bytes per call from each kernel's comment");

        foreach (var linear in linears)
        {
            var weight = arena.Gptq(linear.In, linear.Out);
            foreach (var tokens in tiny ? new[] { 1, 9 } : [1, 16, 64, 1000])
            {
                ulong x = arena.Zeros((long)tokens * linear.In * 2), y = arena.Zeros((long)tokens * linear.Out * 4);
                foreach (var plan in Plans(tokens, linear, ops.MultiprocessorCount))
                {
                    var seconds = Time(stream, repeats, () => GptqCudaLinear.Run(ops, weight, plan, GptqInput.Activations(x), tokens, y));
                    Report($"gptq {Name(plan)} {linear.Name} {linear.In}x{linear.Out} T={tokens} splits={plan.Splits}", GptqBytes(plan, linear, tokens), seconds, peak);
                }
            }

            var unpackBytes = ((long)linear.In * linear.Out / 2) + ((long)linear.In / 128 * linear.Out * 5 / 2) + ((long)linear.In * linear.Out * 2);
            Report($"gptq_unpack alone {linear.Name} {linear.In}x{linear.Out}", unpackBytes, Time(stream, repeats, () => ops.GptqUnpack(weight, unpacked.Pointer)), peak);
        }

        // The dense bf16 layers of the batch-1 decode goal's Qwen2-1.5B, through cuBLAS as DenseCudaLinear runs them.
        foreach (var linear in tiny ? [new Linear("tiny", 256, 128)] : Qwen15BLinears)
        {
            var weight = arena.Zeros((long)linear.In * linear.Out * 2);
            ulong x = arena.Zeros(linear.In * 2L), y = arena.Zeros(linear.Out * 4L);
            var seconds = Time(stream, repeats, () => cublas.Gemm(1, linear.Out, linear.In, weight, x, Cublas.R16BF, y, Cublas.R32F, accumulate: false));
            Report($"cublas bf16 {linear.Name} {linear.In}x{linear.Out} T=1", ((long)linear.In * linear.Out * 2) + (linear.In * 2L) + (linear.Out * 4L), seconds, peak);
        }

        foreach (var shape in tiny ? [new Attention("tiny", 4, 2, 64)] : Attentions)
        {
            foreach (var (tokens, context) in tiny ? new[] { (1, 256) } : [(1, 1000), (1, 8000), (64, 1000)])
            {
                var bytes = (2L * tokens * context * shape.KvHeads * shape.HeadDim * 2) + (2L * tokens * shape.QHeads * shape.HeadDim * 4);
                var seconds = DecodeAttention(ops, arena, shape, tokens, context, repeats, out var splits);
                Report($"decode_attention {shape.Model} T={tokens} context={context} splits={splits}", bytes, seconds, peak);
            }
        }

        foreach (var shape in tiny ? [new Attention("tiny", 4, 2, 64)] : Attentions)
        {
            var tokens = tiny ? 40 : 1000;
            var tiles = (tokens + 15) / 16;
            var bytes = (2L * 16 * tiles * (tiles + 1) / 2 * shape.KvHeads * shape.HeadDim * 2) + (2L * tokens * shape.QHeads * shape.HeadDim * 4);
            var seconds = PrefillAttention(ops, arena, shape, tokens, repeats);
            var kernel = CudaOps.PrefillUsesTensorCores(CudaDtype.BFloat16, shape.HeadDim) ? "prefill_attention_mma" : "prefill_attention";
            Report($"{kernel} {shape.Model} prompt of {tokens} tokens", bytes, seconds, peak);
        }

        SmallKernels(ops, arena, tiny ? 4 : 64, tiny ? 128 : 4096, tiny ? 256 : 14336, repeats, peak);
        return 0;
    }

    // The plan the backend runs, then the others worth comparing: the GEMV at half and twice its splits, and beside
    // the unpack path the tensor-core GEMM it replaced.
    private static IEnumerable<GptqLaunchPlan> Plans(int tokens, Linear linear, int multiprocessors)
    {
        var plan = GptqLaunchPlan.For(tokens, linear.In, linear.Out, multiprocessors);
        yield return plan;
        if (plan.Kernel == GptqKernel.Gemv)
        {
            var chunks = (linear.In + GptqLaunchPlan.GemvChunk - 1) / GptqLaunchPlan.GemvChunk;
            foreach (var splits in new[] { plan.Splits / 2, plan.Splits * 2 }.Where(splits => splits >= 1 && splits <= chunks))
            {
                var length = (chunks + splits - 1) / splits * GptqLaunchPlan.GemvChunk;
                yield return plan with { Splits = (linear.In + length - 1) / length, SplitLength = length };
            }
        }
        else
        {
            yield return GptqLaunchPlan.TensorCoreGemm(tokens, linear.In, linear.Out, multiprocessors);
        }
    }

    private static string Name(GptqLaunchPlan plan) => plan.Kernel switch
    {
        GptqKernel.Gemv => "gemv",
        GptqKernel.TensorCoreGemm => "tensor-core gemm",
        _ => "unpack+cublas",
    };

    // Bytes per call from each kernel's comment: the packed weight once per tile of tokens (or, unpacked, read once,
    // written and read again as f16), scales and zeros, x and y, and the partials when split.
    private static long GptqBytes(GptqLaunchPlan plan, Linear linear, int tokens)
    {
        long packed = (long)linear.In * linear.Out / 2, io = ((long)tokens * linear.In * 2) + ((long)tokens * linear.Out * 4);
        long scales = (long)linear.In / 128 * linear.Out * 5 / 2, f16 = (long)linear.In * linear.Out * 2;
        var partials = plan.Splits > 1 ? 2L * plan.Splits * tokens * linear.Out * 4 : 0;
        return plan.Kernel switch
        {
            GptqKernel.Gemv => (packed * ((tokens + 7) / 8)) + scales + io + partials,
            GptqKernel.TensorCoreGemm => (packed * ((tokens + 63) / 64)) + scales + io + partials,
            _ => packed + scales + (2 * f16) + io,
        };
    }

    // Each token its own sequence of `context` positions over distinct KV blocks of a bf16 cache.
    private static double DecodeAttention(CudaOps ops, Arena arena, Attention shape, int tokens, int context, int repeats, out int splits)
    {
        var blocksPerSequence = (context + 15) / 16;
        var cacheBytes = ((long)tokens * blocksPerSequence + 1) * shape.KvHeads * 16 * shape.HeadDim * 2;
        var tables = Enumerable.Range(0, tokens * blocksPerSequence).Select(i => i + 1).ToArray();
        var inputs = new AttentionInputs(arena.Upload(tables), blocksPerSequence, arena.Upload(Enumerable.Range(0, tokens).ToArray()),
            arena.Upload(Enumerable.Repeat(context - 1, tokens).ToArray()), shape.QHeads, shape.KvHeads, shape.HeadDim);
        ulong q = arena.Zeros((long)tokens * shape.QHeads * shape.HeadDim * 4), keys = arena.Zeros(cacheBytes), values = arena.Zeros(cacheBytes);
        ulong output = arena.Zeros((long)tokens * shape.QHeads * shape.HeadDim * 2);
        var chosen = DecodeAttentionSplits.For(tokens, shape.KvHeads, blocksPerSequence, ops.MultiprocessorCount);
        splits = chosen;
        return Time(ops.Stream, repeats, () => ops.DecodeAttention(q, keys, values, CudaDtype.BFloat16, inputs, tokens, chosen, output, CudaDtype.BFloat16));
    }

    // One sequence's whole prompt in 16-token tiles over a bf16 cache: tile i sees the 16·(i + 1) positions before it.
    private static double PrefillAttention(CudaOps ops, Arena arena, Attention shape, int tokens, int repeats)
    {
        var blocks = (tokens + 15) / 16;
        var cacheBytes = (blocks + 1L) * shape.KvHeads * 16 * shape.HeadDim * 2;
        var tiles = Enumerable.Range(0, blocks).SelectMany(i => new[] { 16 * i, Math.Min(16, tokens - (16 * i)) }).ToArray();
        var inputs = new AttentionInputs(arena.Upload(Enumerable.Range(1, blocks).ToArray()), blocks, arena.Upload(new int[tokens]),
            arena.Upload(Enumerable.Range(0, tokens).ToArray()), shape.QHeads, shape.KvHeads, shape.HeadDim);
        ulong q = arena.Zeros((long)tokens * shape.QHeads * shape.HeadDim * 4), keys = arena.Zeros(cacheBytes), values = arena.Zeros(cacheBytes);
        ulong output = arena.Zeros((long)tokens * shape.QHeads * shape.HeadDim * 2), tileTable = arena.Upload(tiles);
        return Time(ops.Stream, repeats, () => ops.PrefillAttention(q, keys, values, CudaDtype.BFloat16, inputs, tileTable, blocks, output, CudaDtype.BFloat16));
    }

    private static void SmallKernels(CudaOps ops, Arena arena, int tokens, int hidden, int intermediate, int repeats, double peak)
    {
        const int QHeads = 32, KvHeads = 8, HeadDim = 128;
        ulong residual = arena.Zeros((long)tokens * hidden * 4), delta = arena.Zeros((long)tokens * hidden * 4), weight = arena.Zeros(hidden * 4L);
        ulong normed = arena.Zeros((long)tokens * hidden * 2);
        Report($"add_rmsnorm T={tokens} H={hidden}", ((long)tokens * hidden * (4 + 4 + 4 + 2)) + (hidden * 4L),
            Time(ops.Stream, repeats, () => ops.AddRmsNorm(residual, delta, 0, weight, 1e-6f, hidden, normed, CudaDtype.BFloat16, tokens)), peak);

        ulong gate = arena.Zeros((long)tokens * intermediate * 4), up = arena.Zeros((long)tokens * intermediate * 4), activated = arena.Zeros((long)tokens * intermediate * 2);
        Report($"silu_and_mul T={tokens} I={intermediate}", (long)tokens * intermediate * (4 + 4 + 2),
            Time(ops.Stream, repeats, () => ops.SiluAndMul(gate, up, (long)tokens * intermediate, activated, CudaDtype.BFloat16)), peak);

        ulong q = arena.Zeros((long)tokens * QHeads * HeadDim * 4), k = arena.Zeros((long)tokens * KvHeads * HeadDim * 4), v = arena.Zeros((long)tokens * KvHeads * HeadDim * 4);
        ulong cache = arena.Zeros(((tokens / 16) + 1L) * KvHeads * 16 * HeadDim * 2), cacheValues = arena.Zeros(((tokens / 16) + 1L) * KvHeads * 16 * HeadDim * 2);
        var inputs = new AttentionInputs(0, 0, 0, arena.Upload(Enumerable.Range(0, tokens).ToArray()), QHeads, KvHeads, HeadDim);
        ulong slots = arena.Upload(Enumerable.Range(0, tokens).ToArray()), frequencies = arena.Zeros(HeadDim / 2 * 4);
        Report($"rope_kv_write T={tokens}", ((long)tokens * (QHeads + (2 * KvHeads)) * HeadDim * 4) + ((long)tokens * QHeads * HeadDim * 4) + ((long)tokens * 2 * KvHeads * HeadDim * 2),
            Time(ops.Stream, repeats, () => ops.RopeKvWrite(q, k, v, inputs, frequencies, slots, cache, cacheValues, CudaDtype.BFloat16, tokens)), peak);
    }

    // Seconds per call: one warm-up launch (module load, caches), then `repeats` back to back and one synchronize.
    private static double Time(CudaStream stream, int repeats, Action launch)
    {
        launch();
        stream.Synchronize();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++)
        {
            launch();
        }

        stream.Synchronize();
        return clock.Elapsed.TotalSeconds / repeats;
    }

    private static void Report(string name, long bytes, double seconds, double peak) =>
        Console.WriteLine($"{name}: {seconds * 1e6:F1} µs, {bytes / 1e6:F2} MB, {bytes / seconds / 1e9:F1} GB/s of {peak / 1e9:F0} GB/s peak ({100 * bytes / seconds / peak:F0}%)");

    // Device buffers freed together at the end of the run.
    private sealed class Arena(CudaStream stream) : IDisposable
    {
        private readonly List<DeviceBuffer> _buffers = [];

        public ulong Zeros(long bytes) => ZerosBuffer(bytes).Pointer;

        public DeviceBuffer ZerosBuffer(long bytes)
        {
            var buffer = new DeviceBuffer(Math.Max(bytes, 4));
            _buffers.Add(buffer);
            buffer.Clear(stream.Handle);
            return buffer;
        }

        public ulong Upload(int[] values)
        {
            var buffer = new DeviceBuffer(Math.Max(values.Length, 1) * sizeof(int));
            _buffers.Add(buffer);
            buffer.UploadNow<int>(values, stream.Handle);
            return buffer.Pointer;
        }

        // A GPTQ weight of the shape with group 128, inputs in their own order.
        public GptqDeviceWeight Gptq(int inFeatures, int outFeatures) => new(
            Zeros((long)inFeatures * outFeatures / 2), Zeros((long)inFeatures / 128 * outFeatures / 2), Zeros((long)inFeatures / 128 * outFeatures * 2),
            Upload(Enumerable.Range(0, inFeatures).ToArray()), inFeatures, outFeatures, 128);

        public void Dispose() => _buffers.ForEach(buffer => buffer.Dispose());
    }
}
