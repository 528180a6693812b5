// The checkpoint's tensors in the form the CPU forward pass reads: matrices stay in the checkpoint's memory in their
// stored dtype (read in place by CpuLinear; where that memory is the worker's own, bf16 and f16 matrices rearranged
// there into panels, PanelLinear); the small vectors (norm weights, biases) are widened to float32 once.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Models;

namespace Parley.Engine.Backends.Cpu;

/// <summary>One decoder layer, ready to run.</summary>
internal sealed record CpuLayer(
    float[] AttentionNorm, CpuLinear Wq, CpuLinear Wk, CpuLinear Wv, CpuLinear Wo,
    float[]? Bq, float[]? Bk, float[]? Bv, float[]? QNorm, float[]? KNorm,
    float[] MlpNorm, CpuLinear WGate, CpuLinear WUp, CpuLinear WDown);

/// <summary>Every weight of a model, ready to run.</summary>
internal sealed unsafe record CpuWeights(TensorInfo Embedding, nint EmbeddingData, IReadOnlyList<CpuLayer> Layers, float[] FinalNorm, CpuLinear LmHead)
{
    /// <summary>The lm_head rearranged into panels where the embedding is tied to it, whose rows the embedding then reads.</summary>
    private PanelLinear? TiedPanels => LmHead is PanelLinear panels && Embedding.Name == LmHeadName ? panels : null;

    private string LmHeadName { get; init; } = "";

    /// <param name="checkpoint">The open checkpoint.</param>
    /// <param name="weights">Its tensors by role.</param>
    /// <param name="native">The weight types whose products may use the native kernels (CpuLinear.Dense).</param>
    public static CpuWeights From(Checkpoint checkpoint, ModelWeights weights, NativeProducts native)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(weights);
        // A tensor read as two matrices is one CpuLinear, so that rearranging it in place happens once.
        var matrices = new Dictionary<string, CpuLinear>(StringComparer.Ordinal);
        CpuLinear Matrix(TensorInfo tensor)
        {
            if (!matrices.TryGetValue(tensor.Name, out var matrix))
            {
                matrix = CpuLinear.Dense(tensor, Address(checkpoint, tensor), native, checkpoint.IsOwnMemory);
                matrices.Add(tensor.Name, matrix);
            }

            return matrix;
        }

        CpuLinear Linear(LinearWeight weight) => weight switch
        {
            DenseWeight dense => Matrix(dense.Tensor),
            GptqWeight gptq => new GptqLinear(gptq, (uint*)Address(checkpoint, gptq.QWeight), (uint*)Address(checkpoint, gptq.QZeros),
                Address(checkpoint, gptq.Scales), MemoryMarshal.Cast<byte, int>(checkpoint.Bytes(gptq.GroupIndex.Name))),
            _ => throw new NotSupportedException($"Linear weight {weight.GetType().Name} has no CPU kernel."),
        };
        float[] Vector(TensorInfo tensor) => Widened(checkpoint, tensor);
        float[]? OptionalVector(TensorInfo? tensor) => tensor is null ? null : Widened(checkpoint, tensor);
        var layers = weights.Layers.Select(layer => new CpuLayer(
            Vector(layer.AttentionNorm), Linear(layer.Wq), Linear(layer.Wk), Linear(layer.Wv), Linear(layer.Wo),
            OptionalVector(layer.Bq), OptionalVector(layer.Bk), OptionalVector(layer.Bv), OptionalVector(layer.QNorm), OptionalVector(layer.KNorm),
            Vector(layer.MlpNorm), Linear(layer.WGate), Linear(layer.WUp), Linear(layer.WDown))).ToList();
        return new CpuWeights(weights.Embedding, (nint)Address(checkpoint, weights.Embedding), layers, Vector(weights.FinalNorm), Matrix(weights.LmHead))
        {
            LmHeadName = weights.LmHead.Name,
        };
    }

    /// <summary>Writes the float32 embedding of <paramref name="tokenId"/> into <paramref name="destination"/>.</summary>
    public void Embed(int tokenId, Span<float> destination)
    {
        var width = (int)Embedding.Shape[1];
        if ((uint)tokenId >= (uint)Embedding.Shape[0])
        {
            throw new ArgumentOutOfRangeException(nameof(tokenId), tokenId, $"Token ids run from 0 to {Embedding.Shape[0] - 1}.");
        }

        if (TiedPanels is { } panels)
        {
            panels.WidenRow(tokenId, destination);
            return;
        }

        var bytesPerRow = width * Embedding.Dtype.ElementSize();
        if (!Widen.TryToSingle(Embedding.Dtype, new ReadOnlySpan<byte>((byte*)EmbeddingData + (long)tokenId * bytesPerRow, bytesPerRow), destination))
        {
            throw new NotSupportedException($"Tensor '{Embedding.Name}' is {Embedding.Dtype.Name()}; expected BF16, F16 or F32.");
        }
    }

    private static byte* Address(Checkpoint checkpoint, TensorInfo tensor) =>
        (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(checkpoint.Bytes(tensor.Name)));

    private static float[] Widened(Checkpoint checkpoint, TensorInfo tensor) => Widen.Tensor(tensor, checkpoint.Bytes(tensor.Name));
}
