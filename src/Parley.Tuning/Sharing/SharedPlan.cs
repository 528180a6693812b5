// The joint planner's answer: for each Shared ChatDeployment, its device and share with the plan that follows from it,
// or a refusal.
namespace Parley.Tuning.Sharing;

/// <summary>One worker's slice of a device.</summary>
/// <param name="Gpu">The device.</param>
/// <param name="ShareBytes">The memory this worker may use on the device; the sum over a device never exceeds its usable memory.</param>
/// <param name="Fraction">ShareBytes / device memory: what the worker's own <c>--gpu-memory-utilization</c> would be.</param>
/// <param name="Neighbours">The other ChatDeployments on the same device, by name.</param>
public sealed record GpuShare(PhysicalGpu Gpu, long ShareBytes, double Fraction, IReadOnlyList<string> Neighbours);

/// <summary>A placed Shared ChatDeployment.</summary>
public sealed record SharedAssignment(string Name, GpuShare Share, TuningPlan Plan);

/// <summary>A Shared ChatDeployment the planner asks for.</summary>
/// <param name="Spec">The ChatDeployment's spec with defaults applied.</param>
/// <param name="Name">Unique among the requests (the operator uses <c>namespace/name</c>).</param>
public sealed record SharedRequest(string Name, Parley.Api.Spec.ChatDeploymentSpec Spec);

/// <summary>Every request is in exactly one of <see cref="Assignments"/> and <see cref="Refusals"/>.</summary>
public sealed record SharedPlan(IReadOnlyList<SharedAssignment> Assignments, IReadOnlyDictionary<string, PlanRefusal> Refusals)
{
    public SharedAssignment? For(string name) => Assignments.FirstOrDefault(assignment => assignment.Name == name);

    /// <summary>Worker name -> device id: what the next plan passes back as its previous placement.</summary>
    public IReadOnlyDictionary<string, string> PlacementMap() => Assignments.ToDictionary(assignment => assignment.Name, assignment => assignment.Share.Gpu.Id);
}
