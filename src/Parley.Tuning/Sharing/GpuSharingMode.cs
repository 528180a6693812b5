// How a node offers its GPUs to pods, as GPU Feature Discovery labels it. The mode decides how many workers one
// physical GPU (or MIG slice) may hold and whether their memory is isolated.
namespace Parley.Tuning.Sharing;

/// <summary>How one physical GPU or MIG slice is offered.</summary>
public enum GpuSharingMode
{
    /// <summary>One pod per GPU: the device plugin's default, and what an unreadable node is taken to be.</summary>
    Exclusive,

    /// <summary>Time-slicing: <c>nvidia.com/gpu.replicas</c> pods per GPU with no memory isolation at all, so the
    /// planner's shares are the only thing keeping them apart.</summary>
    TimeSlicing,

    /// <summary>MPS: <c>nvidia.com/gpu.replicas</c> clients per GPU, each limited by the device plugin to memory / replicas.</summary>
    Mps,

    /// <summary>MIG slices: isolated memory per slice; one pod per slice unless time-slicing is layered on top.</summary>
    Mig,
}
