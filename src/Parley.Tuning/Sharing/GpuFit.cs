// Whether a set of workers fits one device, and at which activation budget. All workers on a device get the same
// batched-token budget: the first of 2,048 (vLLM's default), 1,024 and 512 at which every need fits.
namespace Parley.Tuning.Sharing;

/// <summary>The fit test the packer and the divider share.</summary>
internal static class GpuFit
{
    /// <summary>Budgets tried in order; lowering only trades prefill speed (chunked prefill) for memory.</summary>
    public static IReadOnlyList<int> BatchedTokenBudgets { get; } = [KvBudget.MaxNumBatchedTokens, 1024, KvBudget.MinimumNumBatchedTokens];

    /// <summary>The largest budget at which <paramref name="workers"/> fit <paramref name="gpu"/> together, or null.</summary>
    public static int? BatchedTokens(PhysicalGpu gpu, IReadOnlyCollection<SharedWorker> workers)
    {
        if (workers.Count > gpu.Slots)
        {
            return null;
        }

        foreach (var budget in BatchedTokenBudgets)
        {
            var fits = gpu.Mode == GpuSharingMode.Mps
                ? workers.All(worker => worker.Need(budget) <= gpu.PerWorkerLimitBytes)
                : workers.Sum(worker => worker.Need(budget)) <= gpu.UsableBytes;
            if (fits)
            {
                return budget;
            }
        }

        return null;
    }

    public static bool Fits(PhysicalGpu gpu, IReadOnlyCollection<SharedWorker> workers) => BatchedTokens(gpu, workers) is not null;
}
