// The checkpoint's tensors copied to the device once at load. Matrices keep their stored dtype (cuBLAS reads bf16/f16
// directly); norm weights, biases and RoPE frequencies are small and are widened to float32, which every kernel reads.
using System.Runtime.InteropServices;
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Engine.Models;

namespace Parley.Engine.Backends.Cuda;

/// <summary>One decoder layer on the device.</summary>
internal sealed record CudaLayer(
    DeviceBuffer AttentionNorm, CudaLinear Wq, CudaLinear Wk, CudaLinear Wv, CudaLinear Wo,
    DeviceBuffer? Bq, DeviceBuffer? Bk, DeviceBuffer? Bv, DeviceBuffer? QNorm, DeviceBuffer? KNorm,
    DeviceBuffer MlpNorm, CudaLinear WGate, CudaLinear WUp, CudaLinear WDown);

/// <summary>Every weight of a model on the device.</summary>
internal sealed class CudaWeights(DeviceBuffer embedding, CudaDtype embeddingDtype, IReadOnlyList<CudaLayer> layers, DeviceBuffer finalNorm, DenseCudaLinear lmHead, List<IDisposable> owned) : IDisposable
{
    public DeviceBuffer Embedding { get; } = embedding;
    public CudaDtype EmbeddingDtype { get; } = embeddingDtype;
    public IReadOnlyList<CudaLayer> Layers { get; } = layers;
    public DeviceBuffer FinalNorm { get; } = finalNorm;
    public DenseCudaLinear LmHead { get; } = lmHead;

    /// <summary>Every GPTQ matrix of the layers (none for 16-bit and f32 checkpoints).</summary>
    public IEnumerable<GptqCudaLinear> GptqLinears => Layers.SelectMany(l => new[] { l.Wq, l.Wk, l.Wv, l.Wo, l.WGate, l.WUp, l.WDown }).OfType<GptqCudaLinear>();

    /// <exception cref="NotSupportedException">A matrix's dtype differs from the model's activation dtype.</exception>
    public static CudaWeights Upload(Checkpoint checkpoint, ModelWeights weights, CudaDtype activation, nint stream)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(weights);
        var owned = new List<IDisposable>();
        try
        {
            T Own<T>(T item)
                where T : IDisposable
            {
                owned.Add(item);
                return item;
            }

            DeviceBuffer Raw(TensorInfo tensor) => Own(UploadBytes(checkpoint.Bytes(tensor.Name), stream));
            DeviceBuffer Vector(TensorInfo tensor) => Own(UploadFloats(Widened(checkpoint, tensor), stream));
            DeviceBuffer? Optional(TensorInfo? tensor) => tensor is null ? null : Vector(tensor);
            DenseCudaLinear Dense(TensorInfo tensor) => new(Raw(Matching(tensor, activation)), activation, (int)tensor.Shape[1], (int)tensor.Shape[0]);
            CudaLinear Linear(LinearWeight weight) => weight switch
            {
                DenseWeight dense => Dense(dense.Tensor),
                GptqWeight gptq => Own(new GptqCudaLinear(gptq, MemoryMarshal.Cast<byte, uint>(checkpoint.Bytes(gptq.QWeight.Name)),
                    MemoryMarshal.Cast<byte, uint>(checkpoint.Bytes(gptq.QZeros.Name)), checkpoint.Bytes(gptq.Scales.Name),
                    MemoryMarshal.Cast<byte, int>(checkpoint.Bytes(gptq.GroupIndex.Name)), stream)),
                _ => throw new NotSupportedException($"Linear weight {weight.GetType().Name} has no CUDA kernel."),
            };

            var layers = weights.Layers.Select(layer => new CudaLayer(
                Vector(layer.AttentionNorm), Linear(layer.Wq), Linear(layer.Wk), Linear(layer.Wv), Linear(layer.Wo),
                Optional(layer.Bq), Optional(layer.Bk), Optional(layer.Bv), Optional(layer.QNorm), Optional(layer.KNorm),
                Vector(layer.MlpNorm), Linear(layer.WGate), Linear(layer.WUp), Linear(layer.WDown))).ToList();
            var embedding = Raw(weights.Embedding);
            var lmHead = ReferenceEquals(weights.LmHead, weights.Embedding)
                ? new DenseCudaLinear(embedding, CudaDtypes.Of(Matching(weights.Embedding, activation).Dtype), (int)weights.Embedding.Shape[1], (int)weights.Embedding.Shape[0])
                : Dense(weights.LmHead);
            return new CudaWeights(embedding, CudaDtypes.Of(weights.Embedding.Dtype), layers, Vector(weights.FinalNorm), lmHead, owned);
        }
        catch
        {
            owned.ForEach(item => item.Dispose());
            throw;
        }
    }

    /// <summary>Device bytes of every weight.</summary>
    public long Bytes => owned.OfType<DeviceBuffer>().Sum(buffer => buffer.Bytes) + owned.OfType<GptqCudaLinear>().Sum(linear => linear.Bytes);

    public void Dispose() => owned.ForEach(item => item.Dispose());

    // cuBLAS multiplies activations and weights of one type; a checkpoint that mixes types is refused by name.
    private static TensorInfo Matching(TensorInfo tensor, CudaDtype activation) => CudaDtypes.Of(tensor.Dtype) == activation
        ? tensor
        : throw new NotSupportedException($"Tensor '{tensor.Name}' is {tensor.Dtype.Name()} but the model computes in {activation}; the CUDA backend needs one dtype for all matrices.");

    private static DeviceBuffer UploadBytes(ReadOnlySpan<byte> bytes, nint stream)
    {
        var buffer = new DeviceBuffer(bytes.Length);
        buffer.UploadNow(bytes, stream);
        return buffer;
    }

    private static DeviceBuffer UploadFloats(float[] values, nint stream)
    {
        var buffer = new DeviceBuffer((long)values.Length * sizeof(float));
        buffer.UploadNow<float>(values, stream);
        return buffer;
    }

    private static float[] Widened(Checkpoint checkpoint, TensorInfo tensor) => Widen.Tensor(tensor, checkpoint.Bytes(tensor.Name));
}
