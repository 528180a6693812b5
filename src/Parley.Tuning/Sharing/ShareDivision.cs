// One memory budget per device, divided in proportion to need:
//
//   usable   = gpuMemoryUtilization(device) x device memory        (the headroom rule of a whole-GPU plan)
//   share_i  = floor(usable x need_i / sum of needs)                (MPS: usable / replicas, the plugin's own limit)
//   kv_i     = share_i - weights_i - runtime reserve - activation peak_i(b) - LoRA adapter slots_i
//
// Because the needs fit (sum <= usable), every share is at least its need, so every worker keeps its requested
// context x concurrency, and the floors keep the sum of shares <= usable.
namespace Parley.Tuning.Sharing;

/// <summary>Turns a device's workers into shares and plans.</summary>
internal static class ShareDivision
{
    public static IEnumerable<SharedAssignment> Divide(PhysicalGpu gpu, IReadOnlyList<SharedWorker> workers)
    {
        var batched = GpuFit.BatchedTokens(gpu, workers) ?? throw new InvalidOperationException($"{gpu.Id} was packed beyond its memory.");
        Int128 totalNeed = 0;
        foreach (var worker in workers)
        {
            totalNeed += worker.Need(batched);
        }

        foreach (var worker in workers)
        {
            var share = gpu.Mode == GpuSharingMode.Mps
                ? gpu.PerWorkerLimitBytes
                : (long)(gpu.UsableBytes * (Int128)worker.Need(batched) / totalNeed);
            var neighbours = workers.Where(other => other != worker).Select(other => other.Name).ToList();
            var gpuShare = new GpuShare(gpu, share, (double)share / gpu.MemoryBytes, neighbours);
            yield return new SharedAssignment(worker.Name, gpuShare, PlanFor(worker, gpuShare, batched, totalNeed, workers.Count));
        }
    }

    private static TuningPlan PlanFor(SharedWorker worker, GpuShare share, int batched, Int128 totalNeed, int workerCount)
    {
        var gpu = share.Gpu;
        var activation = worker.ActivationBytes(batched);
        var kvBytes = share.ShareBytes - worker.WeightsBytes - activation - KvBudget.RuntimeReserveBytes - worker.AdapterBytes;
        var tokens = KvBudget.Tokens(kvBytes, worker.BytesPerToken);
        var architecture = worker.Model.Architecture;
        var plan = new TuningPlan
        {
            Model = architecture, Format = worker.Model.Format, Gpu = new GpuClass(gpu.Product, gpu.DisplayName, gpu.MemoryBytes, gpu.NominalGiB, 1, 1),
            Weights = WeightSize.Compute(architecture, worker.Model.Format), KvBytesPerToken = worker.BytesPerToken, ActivationPeakBytes = activation,
            RuntimeReserveBytes = KvBudget.RuntimeReserveBytes, KvCacheBytes = kvBytes, KvCacheTokens = tokens, GpuMemoryUtilization = share.Fraction,
            MaxModelLen = worker.Tuning.MaxModelLen ?? ContextPlanner.MaxModelLen(tokens, architecture.MaxPositionEmbeddings, worker.Concurrency),
            MaxNumSeqs = worker.Tuning.MaxNumSeqs ?? ContextPlanner.MaxNumSeqs(tokens, worker.Concurrency),
            MaxNumBatchedTokens = batched, TargetConcurrency = worker.Concurrency, Share = share, Lora = worker.Lora, AdapterBytes = worker.AdapterBytes, Reasons = [],
        };
        return plan with { Reasons = SharedPlanExplanation.Reasons(plan, worker, share, (long)totalNeed, workerCount) };
    }
}
