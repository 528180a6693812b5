// The reasons of a shared worker's plan: where it runs and with whom, how its share was divided, and the same KV,
// context and batch arithmetic as a whole-GPU plan, computed from the share instead of the card's total.
namespace Parley.Tuning.Sharing;

/// <summary>Explains a shared worker's plan in sentences.</summary>
internal static class SharedPlanExplanation
{
    public static IReadOnlyList<string> Reasons(TuningPlan plan, SharedWorker worker, GpuShare share, long totalNeed, int workerCount)
    {
        var gpu = share.Gpu;
        var batched = plan.MaxNumBatchedTokens;
        var need = worker.Need(batched);
        var reasons = new List<string>
        {
            share.Neighbours.Count == 0
                ? $"GPU: {gpu.Describe()}, alone on it."
                : $"GPU: {gpu.Describe()}, shared with {string.Join(", ", share.Neighbours)}.",
            $"Needs {Bytes.FormatGiB(need)}: {Bytes.FormatGiB(worker.WeightsBytes)} weights + {Bytes.FormatGiB(KvBudget.RuntimeReserveBytes)} " +
            $"CUDA context and runtime reserve + {Bytes.FormatGiB(plan.ActivationPeakBytes)} activation peak ({batched:N0} batched tokens) + " +
            (worker.Lora is { } lora ? $"{Bytes.FormatGiB(worker.AdapterBytes)} for {lora.MaxLoras} LoRA adapter slot(s) at rank {lora.MaxLoraRank} + " : "") +
            $"{Bytes.FormatGiB(worker.RequiredTokens * worker.BytesPerToken)} KV for {worker.RequiredSequences} x {worker.RequiredContext:N0} tokens.",
            ShareSentence(share, need, totalNeed, workerCount),
        };
        if (batched < KvBudget.MaxNumBatchedTokens)
        {
            reasons.Add($"maxNumBatchedTokens lowered from {KvBudget.MaxNumBatchedTokens:N0} to {batched:N0} (chunked prefill) so that every worker on " +
                "this GPU fits: long prompts take more steps to prefill.");
        }

        reasons.Add($"KV cache: {Bytes.FormatGiB(share.ShareBytes)} share - {Bytes.FormatGiB(plan.WeightsBytes)} weights - " +
            $"{Bytes.FormatGiB(plan.ActivationPeakBytes)} activation peak - {Bytes.FormatGiB(plan.RuntimeReserveBytes)} runtime reserve" +
            (worker.Lora is null ? "" : $" - {Bytes.FormatGiB(worker.AdapterBytes)} LoRA adapter slots") + " = " +
            $"{Bytes.FormatGiB(plan.KvCacheBytes)}, {plan.KvCacheTokens:N0} tokens at {plan.KvBytesPerToken:N0} bytes per token.");
        reasons.Add(PlanExplanation.MaxModelLen(plan, worker.Tuning));
        reasons.Add(worker.Tuning.MaxNumSeqs is null
            ? $"maxNumSeqs {plan.MaxNumSeqs}: the KV cache holds {plan.KvCacheTokens / ContextPlanner.TypicalSequenceTokens:N0} typical " +
              $"{ContextPlanner.TypicalSequenceTokens:N0}-token chats; in steps of 8, at least targetConcurrency {plan.TargetConcurrency}, at most {ContextPlanner.MaxNumSeqsCeiling}."
            : $"maxNumSeqs {plan.MaxNumSeqs}: set in spec.worker.tuning.");
        return reasons;
    }

    private static string ShareSentence(GpuShare share, long need, long totalNeed, int workerCount)
    {
        var gpu = share.Gpu;
        var usable = $"{Bytes.FormatGiB(gpu.UsableBytes)} usable ({MemoryUtilization.ForGpu(gpu.MemoryBytes):0.00} x {Bytes.FormatGiB(gpu.MemoryBytes)})";
        var result = $"{Bytes.FormatGiB(share.ShareBytes)} = {share.ShareBytes:N0} bytes ({share.Fraction:0.000} of the GPU)";
        if (gpu.Mode == GpuSharingMode.Mps)
        {
            return $"Share: {usable} / {gpu.Slots} MPS replicas = {result}; the device plugin limits each client to its replica's memory.";
        }

        return workerCount == 1
            ? $"Share: all of the {usable} = {result}."
            : $"Share: {usable} x {Bytes.FormatGiB(need)} needed / {Bytes.FormatGiB(totalNeed)} needed by the {workerCount} workers on it = {result}.";
    }
}
