// A GPTQ 4-bit weight on the device (Models/LinearWeight.cs). Decode reads it packed, a quarter of f16's bytes, which
// is what decode speed is made of: a few tokens run the dequantising GEMV. More tokens are a matrix product: the weight
// is unpacked into the backend's f16 scratch and cuBLAS multiplies it. GptqLaunchPlan picks the kernel and the split-K
// that fills the GPU. Act-order weights are re-sorted by group at upload, as the CPU backend does.
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Engine.Models;

namespace Parley.Engine.Backends.Cuda;

/// <summary>A GPTQ weight in device memory.</summary>
internal sealed class GptqCudaLinear : CudaLinear
{
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

    private GptqDeviceWeight Tensors => new(_qweight.Pointer, _qzeros.Pointer, _scales.Pointer, _inputOrder.Pointer, InFeatures, OutFeatures, _groupSize);

    public override void Multiply(CudaOps ops, ulong x, int tokens, ulong y) => Multiply(ops, GptqInput.Activations(x), tokens, y);

    /// <summary>Whether <see cref="MultiplySiluOf"/> serves this many tokens: the GEMV computes the SwiGLU as it loads
    /// its input; cuBLAS cannot, so larger batches activate first and multiply as usual.</summary>
    public static bool FusesSiluAt(int tokens) => tokens <= GptqLaunchPlan.GemvMaxTokens;

    /// <summary>y = (silu(gate) · up) · Wᵀ, the SwiGLU computed as the kernel loads its input (the down projection).</summary>
    public void MultiplySiluOf(CudaOps ops, ulong gate, ulong up, int tokens, ulong y)
    {
        if (!FusesSiluAt(tokens))
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), tokens, $"The fused SwiGLU serves at most {GptqLaunchPlan.GemvMaxTokens} tokens.");
        }

        Multiply(ops, GptqInput.SiluOf(gate, up), tokens, y);
    }

    private void Multiply(CudaOps ops, GptqInput x, int tokens, ulong y)
    {
        ArgumentNullException.ThrowIfNull(ops);
        Run(ops, Tensors, GptqLaunchPlan.For(tokens, InFeatures, OutFeatures, ops.MultiprocessorCount), x, tokens, y);
    }

    /// <summary>One multiply of <paramref name="weight"/> as <paramref name="plan"/> says (the GPU check times each plan).</summary>
    internal static void Run(CudaOps ops, GptqDeviceWeight weight, GptqLaunchPlan plan, GptqInput x, int tokens, ulong y)
    {
        var target = plan.Splits > 1 ? ops.Partials : y;
        switch (plan.Kernel)
        {
            case GptqKernel.Gemv:
                ops.GptqGemv(weight, x, tokens, plan.Splits, plan.SplitLength, target);
                break;
            case GptqKernel.TensorCoreGemm:
                ops.GptqGemm(weight, x, tokens, plan.Splits, plan.SplitLength, target);
                break;
            default:
                if (x.X == 0)
                {
                    throw new ArgumentException("cuBLAS multiplies activations, not a SwiGLU to compute on load (FusesSiluAt).", nameof(x));
                }

                ops.GptqUnpack(weight, ops.Unpacked);
                ops.Cublas.GemmInputMajor(tokens, weight.OutFeatures, weight.InFeatures, ops.Unpacked, x.X, Cublas.R16F, target, Cublas.R32F);
                break;
        }

        if (plan.Splits > 1)
        {
            ops.SplitKReduce(target, plan.Splits, (long)tokens * weight.OutFeatures, y);
        }
    }

    /// <summary>Bytes of the f16 copy a multiply of many tokens unpacks this weight into.</summary>
    public long UnpackedBytes => (long)InFeatures * OutFeatures * sizeof(ushort);

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
