// Refusals of the joint planner: the device that came closest, who is on it, how much room is left, and what would fit
// there (a smaller targetConcurrency, the GPTQ-int4 checkpoint) or which GPU class would hold them all.
using Parley.Api;
using Parley.Tuning.Catalog;

namespace Parley.Tuning.Sharing;

/// <summary>Builds the refusal sentence for a worker no device could take.</summary>
internal static class SharedRefusals
{
    public static PlanRefusal NothingFits(SharedWorker worker, Placement placement, IReadOnlyList<PhysicalGpu> gpus)
    {
        var allowed = gpus.Where(worker.Allows).ToList();
        if (allowed.Count == 0)
        {
            return new(ConditionReasons.NoGpuNodes, gpus.Count == 0
                ? $"{worker.Name}: no schedulable node offers an NVIDIA GPU ({GpuInventory.ProductLabel} and {GpuInventory.MemoryLabel} labels, allocatable {GpuInventory.GpuResource})."
                : $"{worker.Name}: no GPU here matches spec.worker.gpu; available: {string.Join(", ", gpus.Select(gpu => gpu.Product).Distinct())}.");
        }

        var minimum = KvBudget.MinimumNumBatchedTokens;
        var closest = allowed.OrderByDescending(gpu => Room(gpu, placement.ByGpu[gpu])).ThenBy(gpu => gpu.MemoryBytes).First();
        var others = placement.ByGpu[closest];
        var room = Room(closest, others);
        var need = worker.Need(minimum);
        var format = worker.Model.Format.Describe();
        var request = $"{worker.RequiredSequences} x {worker.RequiredContext:N0} tokens";
        var shortName = worker.Model.Architecture.ShortName;
        var who = worker.Name == shortName ? $"{shortName} ({format}, {request})" : $"{worker.Name} ({shortName} in {format}, {request})";
        var what = $"{who} needs {Bytes.FormatGiB(need)} even at {minimum} batched tokens";
        var names = others.Count == 0 ? "nothing else" : string.Join(" and ", others.Select(other => other.Name));
        var where = others.Count >= closest.Slots
            ? $"the closest GPU, {closest.Describe()}, already runs {names}, as many workers as it takes"
            : $"the closest GPU, {closest.Describe()}, holds {names} and has {Bytes.FormatGiB(room)} of its {Bytes.FormatGiB(closest.UsableBytes)} usable left";
        return new(ConditionReasons.InsufficientGpuMemory, $"{what}; {where}. What would fit: {string.Join(", or ", Options(worker, others, room))}.");
    }

    /// <summary>Memory a newcomer could still get on a device: none when its slots are taken.</summary>
    private static long Room(PhysicalGpu gpu, List<SharedWorker> occupants) =>
        occupants.Count >= gpu.Slots ? 0
        : gpu.Mode == GpuSharingMode.Mps ? gpu.PerWorkerLimitBytes
        : gpu.UsableBytes - occupants.Sum(other => other.Need(KvBudget.MinimumNumBatchedTokens));

    private static List<string> Options(SharedWorker worker, List<SharedWorker> others, long room)
    {
        var minimum = KvBudget.MinimumNumBatchedTokens;
        var options = new List<string>();
        if (worker.RequiredSequences > 1 && worker.Tuning.MaxModelLen is null)
        {
            var fitting = Enumerable.Range(1, worker.RequiredSequences - 1).Reverse()
                .FirstOrDefault(sequences => worker.NeedFor(worker.RequiredContext * (long)sequences, minimum) <= room);
            if (fitting > 0)
            {
                options.Add($"targetConcurrency {fitting} there");
            }
        }

        if (worker.Model.Format.Gptq is null && worker.Model.Architecture.GptqVariant is { } variantId && ModelCatalog.Find(variantId) is { } variant)
        {
            var quantized = worker with { Model = new ResolvedModel(variant, new WeightFormat(variant.TorchDtype, variant.Gptq)) };
            if (quantized.Need(minimum) <= room)
            {
                options.Add($"the GPTQ-int4 checkpoint {variant.Id} there ({Bytes.FormatGiB(quantized.Need(minimum))})");
            }
        }

        var together = others.Sum(other => other.Need(minimum)) + worker.Need(minimum);
        var larger = GpuCatalog.All.Where(gpu => !gpu.IsMig).OrderBy(gpu => gpu.MemoryBytes)
            .FirstOrDefault(gpu => (long)(MemoryUtilization.ForGpu(gpu.MemoryBytes) * gpu.MemoryBytes) >= together);
        options.Add(larger is null
            ? "no single GPU Parley knows holds them together"
            : others.Count == 0
                ? $"a GPU with at least {larger.NominalGiB} GiB (e.g. {larger.DisplayName})"
                : $"a GPU with at least {larger.NominalGiB} GiB (e.g. {larger.DisplayName}) to hold {string.Join(" and ", others.Select(other => other.Name))} and {worker.Name} together");
        return options;
    }
}
