// The planner's answer: either a plan with its arithmetic, or a refusal a person can act on.
namespace Parley.Tuning;

/// <summary>The settings a worker runs with on a chosen GPU, and every number behind them.</summary>
public sealed record TuningPlan
{
    public required ModelArchitecture Model { get; init; }
    public required WeightFormat Format { get; init; }
    public required GpuClass Gpu { get; init; }
    public required WeightBreakdown Weights { get; init; }
    public required long KvBytesPerToken { get; init; }
    public required long ActivationPeakBytes { get; init; }
    public required long RuntimeReserveBytes { get; init; }
    public required long KvCacheBytes { get; init; }
    public required long KvCacheTokens { get; init; }
    public required double GpuMemoryUtilization { get; init; }
    public required int MaxModelLen { get; init; }
    public required int MaxNumSeqs { get; init; }
    public required int MaxNumBatchedTokens { get; init; }
    public required int TargetConcurrency { get; init; }
    public int TensorParallelSize { get; init; } = 1;

    /// <summary>For a Shared ChatDeployment: the device and the memory share the worker runs with (its
    /// <c>--gpu-memory-bytes</c>); null for a worker that takes a whole GPU.</summary>
    public Sharing.GpuShare? Share { get; init; }

    /// <summary>The LoRA adapters served, when the spec declares any.</summary>
    public LoraRequest? Lora { get; init; }

    /// <summary>Bytes reserved for resident adapter slots (see <see cref="AdapterMemory"/>), already taken from
    /// <see cref="KvCacheBytes"/>; 0 without adapters.</summary>
    public long AdapterBytes { get; init; }

    /// <summary>One sentence per decision, in the order they were made.</summary>
    public required IReadOnlyList<string> Reasons { get; init; }

    public long GpuMemoryBytes => Gpu.MemoryBytes;
    public long WeightsBytes => Weights.TotalBytes;
}

/// <summary>Why no plan could be made: a condition reason and a message that says what to change.</summary>
public sealed record PlanRefusal(string Reason, string Message);

/// <summary>A plan or a refusal, never both.</summary>
public sealed record PlanResult
{
    private PlanResult(TuningPlan? plan, PlanRefusal? refusal) => (Plan, Refusal) = (plan, refusal);

    public TuningPlan? Plan { get; }
    public PlanRefusal? Refusal { get; }

    public static PlanResult Of(TuningPlan plan) => new(plan, null);

    public static PlanResult Refused(string reason, string message) => new(null, new PlanRefusal(reason, message));
}
