// A GPTQ 4-bit weight on the device (Models/LinearWeight.cs). Small batches (decode) run the dequantising GEMV, which
// reads the packed weight once: a quarter of f16's bytes, which is what decode speed is made of. Larger batches
// (prefill) unpack the weight to f16 in a shared scratch matrix and use cuBLAS: one extra pass over the weight, paid
// once for all the tokens. Act-order weights are re-sorted by group at upload, as the CPU backend does.
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Engine.Models;

namespace Parley.Engine.Backends.Cuda;

/// <summary>A GPTQ weight in device memory.</summary>
internal sealed class GptqCudaLinear : CudaLinear
{
    /// <summary>Above this many tokens the dequantise-then-cuBLAS path wins (the GEMV re-reads the weight per 8 tokens).</summary>
    public const int GemvMaxTokens = 16;

    private readonly DeviceBuffer _qweight;    // [in / 8, out] u32, rows sorted by group
    private readonly DeviceBuffer _qzeros;     // [groups, out / 8] u32
    private readonly DeviceBuffer _scales;     // [groups, out] f16
    private readonly DeviceBuffer _inputOrder; // [in] i32: sorted row -> input column
    private readonly int _groupSize;

    public GptqCudaLinear(GptqWeight weight, ReadOnlySpan<uint> qweight, ReadOnlySpan<uint> qzeros, ReadOnlySpan<byte> scales, ReadOnlySpan<int> groupIndex, nint stream)
        : base(checked((int)weight.InFeatures), checked((int)weight.OutFeatures))
    {
        ArgumentNullException.ThrowIfNull(weight);
        _groupSize = weight.GroupSize;
        var order = GptqOrder.InputOrder(weight, groupIndex);
        var sorted = GptqOrder.IsIdentity(order) ? qweight : GptqOrder.Repack(qweight, order, OutFeatures);
        _qweight = Upload(sorted, stream);
        _qzeros = Upload(qzeros, stream);
        _scales = Upload(scales, stream);
        _inputOrder = Upload<int>(order, stream);
    }

    public override long Bytes => _qweight.Bytes + _qzeros.Bytes + _scales.Bytes + _inputOrder.Bytes;

    /// <summary>Elements of the f16 matrix the prefill path unpacks into.</summary>
    public long DenseElements => (long)InFeatures * OutFeatures;

    public override void Multiply(CudaOps ops, ulong x, int tokens, ulong y)
    {
        ArgumentNullException.ThrowIfNull(ops);
        if (tokens <= GemvMaxTokens)
        {
            ops.GptqGemv(x, _inputOrder.Pointer, _qweight.Pointer, _qzeros.Pointer, _scales.Pointer, InFeatures, OutFeatures, _groupSize, tokens, y);
            return;
        }

        var scratch = ops.GptqScratch ?? throw new InvalidOperationException("GPTQ prefill needs the dequantisation scratch buffer.");
        ops.GptqDequant(_inputOrder.Pointer, _qweight.Pointer, _qzeros.Pointer, _scales.Pointer, InFeatures, OutFeatures, _groupSize, scratch.Pointer);
        ops.Cublas.Gemm(tokens, OutFeatures, InFeatures, scratch.Pointer, x, Cublas.R16F, y, Cublas.R32F, accumulate: false);
    }

    public override void Dispose()
    {
        _qweight.Dispose();
        _qzeros.Dispose();
        _scales.Dispose();
        _inputOrder.Dispose();
    }

    private static DeviceBuffer Upload<T>(ReadOnlySpan<T> data, nint stream)
        where T : unmanaged
    {
        var buffer = new DeviceBuffer((long)data.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        buffer.UploadNow(data, stream);
        return buffer;
    }
}
