// What `plan --shared` prints: one row per model on the device (share, KV tokens, context, batch, batched-token
// budget), then each model's reasons; the same numbers as JSON/YAML under stable camelCase names.
using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Tuning;
using Parley.Tuning.Sharing;

namespace Parley.Operator.Cli;

/// <summary>One model's row of a joint plan.</summary>
public sealed record SharedPlanRow(
    string Name, string Model, string WeightFormat, string Gpu, string Device, long ShareBytes, double ShareFraction, IReadOnlyList<string> Neighbours,
    long WeightsBytes, long KvCacheBytes, long KvCacheTokens, int MaxModelLen, int MaxNumSeqs, int MaxNumBatchedTokens, IReadOnlyList<string> Reasons);

/// <summary>A joint plan as the CLI reports it.</summary>
public sealed record SharedPlanReport(IReadOnlyList<SharedPlanRow> Models, IReadOnlyDictionary<string, string> Refusals)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static SharedPlanReport From(SharedPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var rows = plan.Assignments.Select(assignment =>
        {
            var (share, tuning) = (assignment.Share, assignment.Plan);
            return new SharedPlanRow(assignment.Name, tuning.Model.Id, tuning.Format.Describe(), share.Gpu.DisplayName, share.Gpu.Id, share.ShareBytes,
                share.Fraction, share.Neighbours, tuning.WeightsBytes, tuning.KvCacheBytes, tuning.KvCacheTokens, tuning.MaxModelLen, tuning.MaxNumSeqs,
                tuning.MaxNumBatchedTokens, tuning.Reasons);
        }).ToList();
        return new(rows, plan.Refusals.ToDictionary(pair => pair.Key, pair => pair.Value.Message));
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public JsonNode ToJsonNode() => JsonNode.Parse(ToJson())!;

    /// <summary>An aligned table of the placed models followed by each one's reasons, for people.</summary>
    public string ToTable()
    {
        string[] header = ["MODEL", "DEVICE", "SHARE", "FRACTION", "WEIGHTS", "KV CACHE", "KV TOKENS", "MAX MODEL LEN", "MAX NUM SEQS", "BATCHED TOKENS"];
        var rows = Models.Select(row => new[]
        {
            row.Model, row.Device, $"{Bytes.FormatGiB(row.ShareBytes)} ({row.ShareBytes:N0} B)", $"{row.ShareFraction:0.000}", Bytes.FormatGiB(row.WeightsBytes),
            Bytes.FormatGiB(row.KvCacheBytes), $"{row.KvCacheTokens:N0}", $"{row.MaxModelLen:N0}", $"{row.MaxNumSeqs}", $"{row.MaxNumBatchedTokens:N0}",
        }).Prepend(header).ToList();
        var widths = header.Select((_, column) => rows.Max(row => row[column].Length) + 2).ToArray();
        var lines = rows.Select(row => string.Concat(row.Select((cell, column) => column == row.Length - 1 ? cell : cell.PadRight(widths[column]))).TrimEnd()).ToList();
        foreach (var row in Models)
        {
            lines.Add("");
            lines.Add($"WHY {row.Model}");
            lines.AddRange(row.Reasons.Select(reason => "- " + reason));
        }

        return string.Join('\n', lines) + "\n";
    }
}
