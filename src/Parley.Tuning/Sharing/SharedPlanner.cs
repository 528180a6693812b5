// The joint planner: all Shared ChatDeployments + the cluster's devices (+ the last placement) -> a device and a
// memory share for each, or a refusal that names the device, who is on it and what would fit. Pure.
//
//   1. size each request: need(b) = weights + its own runtime reserve + activation peak(b) + KV for context x concurrency
//   2. place: largest need first, onto the smallest device that fits, keeping last placements (SharedPlacement.cs)
//   3. divide each device's usable memory in proportion to need (ShareDivision.cs)
using Parley.Api;

namespace Parley.Tuning.Sharing;

/// <summary>Plans Shared ChatDeployments together.</summary>
public static class SharedPlanner
{
    /// <param name="requests">Specs with defaults applied (see <see cref="Defaults.Apply"/>); names unique.</param>
    /// <param name="gpus">Every device Shared workers may use.</param>
    /// <param name="previous">The last plan's <see cref="SharedPlan.PlacementMap"/>, so that nobody moves without need.</param>
    public static SharedPlan Plan(IReadOnlyList<SharedRequest> requests, IReadOnlyList<PhysicalGpu> gpus, IReadOnlyDictionary<string, string>? previous = null)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(gpus);
        var refusals = new Dictionary<string, PlanRefusal>(StringComparer.Ordinal);
        var workers = new List<SharedWorker>();
        foreach (var request in requests)
        {
            if (Size(request, out var refusal) is { } worker)
            {
                workers.Add(worker);
            }
            else
            {
                refusals[request.Name] = refusal!;
            }
        }

        var placement = SharedPlacement.Place(workers, gpus, previous ?? new Dictionary<string, string>());
        foreach (var worker in placement.Unplaced)
        {
            refusals[worker.Name] = SharedRefusals.NothingFits(worker, placement, gpus);
        }

        var assignments = placement.ByGpu
            .Where(pair => pair.Value.Count > 0)
            .SelectMany(pair => ShareDivision.Divide(pair.Key, pair.Value))
            .OrderBy(assignment => requests.Select(request => request.Name).ToList().IndexOf(assignment.Name))
            .ToList();
        return new SharedPlan(assignments, refusals);
    }

    private static SharedWorker? Size(SharedRequest request, out PlanRefusal? refusal)
    {
        var model = ModelResolver.Resolve(request.Spec.Model, out refusal);
        if (model is null)
        {
            return null;
        }

        var tuning = request.Spec.Worker?.Tuning ?? new Api.Spec.TuningSpec();
        var limit = model.Architecture.MaxPositionEmbeddings;
        if (tuning.MaxModelLen > limit)
        {
            refusal = new(ConditionReasons.InvalidSpec,
                $"spec.worker.tuning.maxModelLen {tuning.MaxModelLen:N0} exceeds {model.Architecture.ShortName}'s limit of {limit:N0} tokens (max_position_embeddings); lower it or leave it unset.");
            return null;
        }

        return new SharedWorker(request.Name, model, tuning, request.Spec.Worker?.Gpu, Planner.LoraOf(request.Spec));
    }
}
