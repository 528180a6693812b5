// One GPU class tried for one model: the arithmetic of KvBudget and ContextPlanner, and whether the request fits.
using Parley.Api.Spec;

namespace Parley.Tuning;

/// <summary>The outcome of sizing a model on one GPU class: a plan, or the numbers that fell short.</summary>
internal sealed record PlanAttempt
{
    public required GpuClass Gpu { get; init; }
    public required long WeightsBytes { get; init; }
    public required long OverheadBytes { get; init; }

    /// <summary>Of <see cref="OverheadBytes"/>, what LoRA adapter slots take.</summary>
    public long AdapterBytes { get; init; }
    public required double Utilization { get; init; }
    public required long KvCacheTokens { get; init; }

    /// <summary>KV tokens the request needs; more than <see cref="KvCacheTokens"/> when it does not fit.</summary>
    public required long RequiredTokens { get; init; }

    public required int RequiredContext { get; init; }
    public required int RequiredSequences { get; init; }
    public TuningPlan? Plan { get; init; }

    public bool WeightsDoNotFit => WeightsBytes + OverheadBytes >= (long)(Utilization * Gpu.MemoryBytes);

    public static PlanAttempt On(GpuClass gpu, ResolvedModel model, TuningSpec tuning, LoraRequest? lora)
    {
        var (architecture, format) = model;
        var weights = WeightSize.Compute(architecture, format);
        var bytesPerToken = KvBudget.BytesPerToken(architecture, format.Dtype);
        var activation = KvBudget.ActivationPeakBytes(architecture, format.Dtype);
        var utilization = tuning.GpuMemoryUtilization ?? MemoryUtilization.ForGpu(gpu.MemoryBytes);
        var adapterBytes = AdapterMemory.Bytes(architecture, format.Dtype, lora);
        var kvBytes = KvBudget.KvCacheBytes(gpu.MemoryBytes, utilization, weights.TotalBytes, activation) - adapterBytes;
        var tokens = KvBudget.Tokens(kvBytes, bytesPerToken);
        var concurrency = tuning.TargetConcurrency ?? Api.Defaults.TargetConcurrency;
        var isManual = tuning.Mode == TuningMode.Manual;

        // Manual mode asks what vLLM asks: one sequence at maxModelLen fits. Auto mode asks for targetConcurrency of them.
        var sequences = isManual ? 1 : concurrency;
        var context = tuning.MaxModelLen ?? ContextPlanner.MaxModelLen(tokens, architecture.MaxPositionEmbeddings, concurrency);
        var requiredContext = tuning.MaxModelLen ?? ContextPlanner.MinimumContext(architecture.MaxPositionEmbeddings);
        var attempt = new PlanAttempt
        {
            Gpu = gpu, WeightsBytes = weights.TotalBytes, OverheadBytes = activation + KvBudget.RuntimeReserveBytes + adapterBytes, AdapterBytes = adapterBytes,
            Utilization = utilization,
            KvCacheTokens = tokens, RequiredTokens = (long)requiredContext * sequences, RequiredContext = requiredContext, RequiredSequences = sequences,
        };
        if (kvBytes <= 0 || tokens < attempt.RequiredTokens || context < requiredContext)
        {
            return attempt;
        }

        var plan = new TuningPlan
        {
            Model = architecture, Format = format, Gpu = gpu, Weights = weights, KvBytesPerToken = bytesPerToken, ActivationPeakBytes = activation,
            RuntimeReserveBytes = KvBudget.RuntimeReserveBytes, KvCacheBytes = kvBytes, KvCacheTokens = tokens, GpuMemoryUtilization = utilization,
            MaxModelLen = context, MaxNumSeqs = tuning.MaxNumSeqs ?? ContextPlanner.MaxNumSeqs(tokens, concurrency),
            MaxNumBatchedTokens = KvBudget.MaxNumBatchedTokens, TargetConcurrency = concurrency, Lora = lora, AdapterBytes = adapterBytes, Reasons = [],
        };
        return attempt with { Plan = plan with { Reasons = PlanExplanation.Arithmetic(plan, tuning) } };
    }
}
