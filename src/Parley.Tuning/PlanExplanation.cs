// The reasons recorded with a plan: one sentence per decision, with the numbers that made it.
using Parley.Api.Spec;

namespace Parley.Tuning;

/// <summary>Explains plans in sentences (they go to <c>status.tuning.reasons</c> and the CLI).</summary>
internal static class PlanExplanation
{
    public static string Choice(GpuClass gpu, IReadOnlyList<GpuClass> candidates, GpuSpec? request)
    {
        var what = $"GPU: {gpu.DisplayName} ({gpu.Product}, {Bytes.FormatGiB(gpu.MemoryBytes)})";
        if (request?.Product is not null)
        {
            return $"{what}, pinned by spec.worker.gpu.product.";
        }

        return candidates.Count == 1
            ? $"{what}, the only GPU class available."
            : $"{what}, the smallest of {candidates.Count} GPU classes available that fits.";
    }

    public static IReadOnlyList<string> Arithmetic(TuningPlan plan, TuningSpec tuning)
    {
        var memory = Bytes.FormatGiB(plan.GpuMemoryBytes);
        var budget = (long)(plan.GpuMemoryUtilization * plan.GpuMemoryBytes);
        return
        [
            $"Weights: {Bytes.FormatGiB(plan.WeightsBytes)} ({plan.Weights.ParameterCount / 1e9:0.00}B parameters in {plan.Format.Describe()}).",
            tuning.GpuMemoryUtilization is null
                ? $"gpuMemoryUtilization {plan.GpuMemoryUtilization:0.00}: leaves {Bytes.FormatGiB(plan.GpuMemoryBytes - budget)} of {memory} " +
                  $"({MemoryUtilization.FixedHeadroomGiB:0} GiB + {MemoryUtilization.ProportionalHeadroom * 100:0}% of memory, within {MemoryUtilization.Minimum:0.00}-{MemoryUtilization.Maximum:0.00}) for the driver and fragmentation."
                : $"gpuMemoryUtilization {plan.GpuMemoryUtilization:0.00}: set in spec.worker.tuning.",
            .. Adapters(plan),
            $"KV cache: {plan.GpuMemoryUtilization:0.00} x {memory} - {Bytes.FormatGiB(plan.WeightsBytes)} weights - " +
            $"{Bytes.FormatGiB(plan.ActivationPeakBytes)} activation peak ({plan.MaxNumBatchedTokens:N0} batched tokens) - " +
            $"{Bytes.FormatGiB(plan.RuntimeReserveBytes)} runtime reserve{(plan.Lora is null ? "" : $" - {FormatMiB(plan.AdapterBytes)} LoRA adapters")} " +
            $"= {Bytes.FormatGiB(plan.KvCacheBytes)}, {plan.KvCacheTokens:N0} tokens at {plan.KvBytesPerToken:N0} bytes per token.",
            MaxModelLen(plan, tuning),
            tuning.MaxNumSeqs is null
                ? $"maxNumSeqs {plan.MaxNumSeqs}: the KV cache holds {plan.KvCacheTokens / ContextPlanner.TypicalSequenceTokens:N0} typical " +
                  $"{ContextPlanner.TypicalSequenceTokens:N0}-token chats; in steps of 8, at least targetConcurrency {plan.TargetConcurrency}, at most {ContextPlanner.MaxNumSeqsCeiling}."
                : $"maxNumSeqs {plan.MaxNumSeqs}: set in spec.worker.tuning.",
        ];
    }

    // Adapter slots are reserved before the KV cache is sized, as vLLM allocates them before profiling its KV memory.
    private static IEnumerable<string> Adapters(TuningPlan plan)
    {
        if (plan.Lora is not { } lora)
        {
            yield break;
        }

        yield return $"LoRA adapters: {lora.AdapterCount} declared, maxLoras {lora.MaxLoras} resident at maxLoraRank {lora.MaxLoraRank} reserve " +
            $"{FormatMiB(plan.AdapterBytes)} before the KV cache: per slot {plan.Model.NumHiddenLayers} layers x rank {lora.MaxLoraRank} x (in + out) " +
            $"of q, k, v, o, gate, up and down in {plan.Format.Dtype.Name()} = {FormatMiB(AdapterMemory.BytesPerSlot(plan.Model, plan.Format.Dtype, lora.MaxLoraRank))}.";
    }

    private static string FormatMiB(long bytes) => $"{(double)bytes / Bytes.MiB:0.0} MiB";

    internal static string MaxModelLen(TuningPlan plan, TuningSpec tuning)
    {
        if (tuning.MaxModelLen is not null)
        {
            var times = (double)plan.KvCacheTokens / plan.MaxModelLen;
            var warning = times < plan.TargetConcurrency
                ? $" Warning: fewer than targetConcurrency {plan.TargetConcurrency} conversations fit at full length; more long chats at once will wait or be preempted."
                : "";
            return $"maxModelLen {plan.MaxModelLen:N0}: set in spec.worker.tuning; the KV cache holds it {times:0.0} times.{warning}";
        }

        return plan.MaxModelLen == plan.Model.MaxPositionEmbeddings
            ? $"maxModelLen {plan.MaxModelLen:N0}: the model's limit (max_position_embeddings); the KV cache holds it {(double)plan.KvCacheTokens / plan.MaxModelLen:0.0} times."
            : $"maxModelLen {plan.MaxModelLen:N0}: {plan.KvCacheTokens:N0} KV tokens / targetConcurrency {plan.TargetConcurrency}, in {KvBudget.BlockSize}-token blocks (the model allows {plan.Model.MaxPositionEmbeddings:N0}).";
    }
}
