// One Shared ChatDeployment as the joint planner sizes it: what it needs on any GPU at a given activation budget.
//
//   need(b) = weights + runtime reserve (its own CUDA context) + activation peak at b batched tokens
//           + its LoRA adapter slots (maxLoras x maxLoraRank, as a whole-GPU plan reserves them) + KV for requiredContext x sequences
using Parley.Api.Spec;

namespace Parley.Tuning.Sharing;

/// <summary>A resolved model with the request it must keep wherever it lands.</summary>
internal sealed record SharedWorker(string Name, ResolvedModel Model, TuningSpec Tuning, GpuSpec? GpuRequest, LoraRequest? Lora = null)
{
    public long AdapterBytes => AdapterMemory.Bytes(Model.Architecture, Model.Format.Dtype, Lora);

    public long WeightsBytes => WeightSize.Compute(Model.Architecture, Model.Format).TotalBytes;

    public long BytesPerToken => KvBudget.BytesPerToken(Model.Architecture, Model.Format.Dtype);

    public int Concurrency => Tuning.TargetConcurrency ?? Api.Defaults.TargetConcurrency;

    /// <summary>Manual mode asks what vLLM asks (one sequence at maxModelLen); Auto asks for targetConcurrency of them.</summary>
    public int RequiredSequences => Tuning.Mode == TuningMode.Manual ? 1 : Concurrency;

    public int RequiredContext => Tuning.MaxModelLen ?? ContextPlanner.MinimumContext(Model.Architecture.MaxPositionEmbeddings);

    /// <summary>KV tokens of the request, rounded up to whole blocks so that a share that covers it in bytes covers it in blocks.</summary>
    public long RequiredTokens => (RequiredContext * (long)RequiredSequences + KvBudget.BlockSize - 1) / KvBudget.BlockSize * KvBudget.BlockSize;

    public long ActivationBytes(int batchedTokens) => KvBudget.ActivationPeakBytes(Model.Architecture, Model.Format.Dtype, batchedTokens);

    public long Need(int batchedTokens) => NeedFor(RequiredTokens, batchedTokens);

    public long NeedFor(long kvTokens, int batchedTokens) =>
        WeightsBytes + KvBudget.RuntimeReserveBytes + ActivationBytes(batchedTokens) + AdapterBytes + kvTokens * BytesPerToken;

    /// <summary>Whether the spec's product pin and minimum memory allow this device.</summary>
    public bool Allows(PhysicalGpu gpu)
    {
        var pinned = GpuRequest?.Product is { } product ? Catalog.GpuCatalog.Find(product)?.Label ?? product : null;
        return (pinned is null || Catalog.GpuCatalog.WithoutSharingSuffix(gpu.Product).Equals(pinned, StringComparison.OrdinalIgnoreCase))
            && (GpuRequest?.MinMemoryGiB is not { } min || gpu.NominalGiB >= min);
    }
}
