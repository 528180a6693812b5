// Bin-packing Shared workers onto devices: first-fit decreasing, largest need first, onto the smallest device that
// fits. Stable: a worker that has a previous device keeps it while it still fits there, so adding or removing one
// moves nobody else. Only when a worker fits nowhere that way is a fresh packing tried, and it is taken only if it
// places more workers.
namespace Parley.Tuning.Sharing;

/// <summary>Which workers share which device, and who is left without one.</summary>
internal sealed record Placement(IReadOnlyDictionary<PhysicalGpu, List<SharedWorker>> ByGpu, IReadOnlyList<SharedWorker> Unplaced);

/// <summary>Places workers on devices.</summary>
internal static class SharedPlacement
{
    /// <param name="workers">Sized workers, in any order.</param>
    /// <param name="gpus">Devices to place on.</param>
    /// <param name="previous">Worker name -> <see cref="PhysicalGpu.Id"/> of the last plan; empty for a first plan.</param>
    public static Placement Place(IReadOnlyList<SharedWorker> workers, IReadOnlyList<PhysicalGpu> gpus, IReadOnlyDictionary<string, string> previous)
    {
        var ordered = workers
            .OrderByDescending(worker => worker.Need(KvBudget.MinimumNumBatchedTokens))
            .ThenBy(worker => worker.Name, StringComparer.Ordinal)
            .ToList();
        var devices = gpus
            .OrderBy(gpu => gpu.MemoryBytes)
            .ThenBy(gpu => gpu.NodeName, StringComparer.Ordinal)
            .ThenBy(gpu => gpu.DeviceId, StringComparer.Ordinal)
            .ToList();
        var stable = Pack(ordered, devices, previous);
        if (stable.Unplaced.Count == 0 || previous.Count == 0)
        {
            return stable;
        }

        var fresh = Pack(ordered, devices, new Dictionary<string, string>());
        return fresh.Unplaced.Count < stable.Unplaced.Count ? fresh : stable;
    }

    private static Placement Pack(List<SharedWorker> ordered, List<PhysicalGpu> devices, IReadOnlyDictionary<string, string> previous)
    {
        var byGpu = devices.ToDictionary(gpu => gpu, _ => new List<SharedWorker>());
        var byId = devices.ToDictionary(gpu => gpu.Id);
        var unplaced = new List<SharedWorker>();

        // Those with a device first, so a newcomer never takes the room an existing worker holds.
        var remaining = new List<SharedWorker>();
        foreach (var worker in ordered)
        {
            if (previous.TryGetValue(worker.Name, out var id) && byId.TryGetValue(id, out var gpu) && worker.Allows(gpu) && GpuFit.Fits(gpu, [.. byGpu[gpu], worker]))
            {
                byGpu[gpu].Add(worker);
            }
            else
            {
                remaining.Add(worker);
            }
        }

        foreach (var worker in remaining)
        {
            var gpu = devices.FirstOrDefault(gpu => worker.Allows(gpu) && GpuFit.Fits(gpu, [.. byGpu[gpu], worker]));
            if (gpu is null)
            {
                unplaced.Add(worker);
            }
            else
            {
                byGpu[gpu].Add(worker);
            }
        }

        return new Placement(byGpu, unplaced);
    }
}
