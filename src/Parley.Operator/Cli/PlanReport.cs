// What `plan -o json|yaml` prints: the plan's numbers under stable camelCase names, and its reasons.
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Parley.Tuning;

namespace Parley.Operator.Cli;

/// <summary>A tuning plan as the CLI reports it.</summary>
public sealed record PlanReport(
    string Model,
    string WeightFormat,
    string GpuProduct,
    string GpuName,
    long GpuMemoryBytes,
    long WeightsBytes,
    long ActivationPeakBytes,
    long RuntimeReserveBytes,
    long KvCacheBytes,
    long KvBytesPerToken,
    long KvCacheTokens,
    double GpuMemoryUtilization,
    int MaxModelLen,
    int MaxNumSeqs,
    int MaxNumBatchedTokens,
    int TargetConcurrency,
    int TensorParallelSize,
    IReadOnlyList<string> Reasons)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // People read this output; nothing embeds it in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static PlanReport From(TuningPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new(plan.Model.Id, plan.Format.Describe(), plan.Gpu.Product, plan.Gpu.DisplayName, plan.GpuMemoryBytes, plan.WeightsBytes,
            plan.ActivationPeakBytes, plan.RuntimeReserveBytes, plan.KvCacheBytes, plan.KvBytesPerToken, plan.KvCacheTokens,
            plan.GpuMemoryUtilization, plan.MaxModelLen, plan.MaxNumSeqs, plan.MaxNumBatchedTokens, plan.TargetConcurrency, plan.TensorParallelSize,
            plan.Reasons);
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public JsonNode ToJsonNode() => JsonNode.Parse(ToJson())!;

    /// <summary>An aligned two-column table followed by the reasons, for people.</summary>
    public string ToTable()
    {
        (string Name, string Value)[] rows =
        [
            ("MODEL", Model), ("WEIGHTS", $"{Bytes.FormatGiB(WeightsBytes)} ({WeightFormat})"), ("GPU", $"{GpuName} ({GpuProduct})"),
            ("GPU MEMORY", Bytes.FormatGiB(GpuMemoryBytes)), ("GPU MEMORY UTILIZATION", $"{GpuMemoryUtilization:0.00}"),
            ("KV CACHE", $"{Bytes.FormatGiB(KvCacheBytes)} = {KvCacheTokens:N0} tokens x {KvBytesPerToken:N0} B"),
            ("MAX MODEL LEN", $"{MaxModelLen:N0}"), ("MAX NUM SEQS", $"{MaxNumSeqs}"), ("TENSOR PARALLEL SIZE", $"{TensorParallelSize}"),
        ];
        var width = rows.Max(row => row.Name.Length) + 2;
        var lines = rows.Select(row => row.Name.PadRight(width) + row.Value)
            .Append("")
            .Append("WHY")
            .Concat(Reasons.Select(reason => "- " + reason));
        return string.Join('\n', lines) + "\n";
    }

    [JsonIgnore]
    public string Summary => $"{GpuName}: gpuMemoryUtilization {GpuMemoryUtilization:0.00}, maxModelLen {MaxModelLen:N0}, maxNumSeqs {MaxNumSeqs}, KV cache {KvCacheTokens:N0} tokens";
}
