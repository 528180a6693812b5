// A linear layer on the device: y[T, out] (float32) = x[T, in] (activation dtype) · Wᵀ.
using Parley.Engine.Backends.Cuda.Driver;

namespace Parley.Engine.Backends.Cuda;

/// <summary>A linear layer's weight in device memory.</summary>
internal abstract class CudaLinear(int inFeatures, int outFeatures) : IDisposable
{
    public int InFeatures { get; } = inFeatures;
    public int OutFeatures { get; } = outFeatures;

    /// <summary>Device bytes held.</summary>
    public abstract long Bytes { get; }

    public abstract void Multiply(CudaOps ops, ulong x, int tokens, ulong y);

    public abstract void Dispose();
}

/// <summary>A dense [out, in] weight, multiplied by cuBLAS with float32 accumulation (tensor cores for 16-bit types).</summary>
internal sealed class DenseCudaLinear(DeviceBuffer weight, CudaDtype dtype, int inFeatures, int outFeatures) : CudaLinear(inFeatures, outFeatures)
{
    public DeviceBuffer Weight { get; } = weight;
    public CudaDtype Dtype { get; } = dtype;

    public override long Bytes => Weight.Bytes;

    public override void Multiply(CudaOps ops, ulong x, int tokens, ulong y) =>
        ops.Cublas.Gemm(tokens, OutFeatures, InFeatures, Weight.Pointer, x, Dtype.CublasType(), y, Cublas.R32F, accumulate: false);

    public override void Dispose() => Weight.Dispose();
}
