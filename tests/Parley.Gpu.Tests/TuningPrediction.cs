// The planner's promise checked against the worker's reality: the KV tokens Parley.Tuning predicts for this GPU's
// memory at gpu_memory_utilization 0.9 beside the tokens the CUDA backend actually sized its cache to. A ratio far
// from 1 means the operator's plans (maxModelLen, maxNumSeqs) leave memory unused, or promise memory that is not there.
using Parley.Engine.Models;
using Parley.Tuning;

namespace Parley.Gpu.Tests;

internal static class TuningPrediction
{
    public const double Utilization = 0.9;

    /// <summary>KV tokens the planner's arithmetic gives for <paramref name="spec"/> on a GPU of <paramref name="gpuMemoryBytes"/>.</summary>
    public static long PredictedKvTokens(TinyModelSpec spec, long gpuMemoryBytes)
    {
        var dtype = spec.Gptq is not null || spec.Dtype == SafetensorsDtype.F16 ? WeightDtype.Float16
            : spec.Dtype == SafetensorsDtype.F32 ? WeightDtype.Float32 : WeightDtype.BFloat16;
        var model = new ModelArchitecture
        {
            Id = $"random/{spec.ModelType}", ModelType = spec.ModelType, NumHiddenLayers = spec.NumHiddenLayers, HiddenSize = spec.HiddenSize,
            NumAttentionHeads = spec.NumAttentionHeads, NumKeyValueHeads = spec.NumKeyValueHeads, IntermediateSize = spec.IntermediateSize,
            VocabSize = spec.VocabSize, MaxPositionEmbeddings = spec.MaxPositionEmbeddings, TieWordEmbeddings = spec.TieWordEmbeddings,
            AttentionBias = spec.ModelType == "qwen2", QkNorm = spec.ModelType == "qwen3", TorchDtype = dtype,
            Gptq = spec.Gptq is { } gptq ? new GptqConfig(4, gptq.GroupSize, gptq.ActOrder) : null,
        };
        var weights = WeightSize.Compute(model, new WeightFormat(dtype, model.Gptq)).TotalBytes;
        var kvBytes = KvBudget.KvCacheBytes(gpuMemoryBytes, Utilization, weights, KvBudget.ActivationPeakBytes(model, dtype));
        return KvBudget.Tokens(kvBytes, KvBudget.BytesPerToken(model, dtype));
    }
}
