// The worker's command line: vLLM's flag names, so the same flags work for the Parley worker and for vLLM.
using System.Globalization;
using Parley.Api;
using Parley.Api.Contracts;
using Parley.Api.Spec;
using Parley.Tuning;

namespace Parley.Operator.Resources;

/// <summary>Builds the worker container's arguments from the spec and the plan.</summary>
public static class WorkerArgs
{
    public const int Port = WorkerFlags.DefaultPort;
    public const string ModelCachePath = "/models";
    public const string ModelVolumePath = "/mnt/model";
    public const string ChatTemplateDirectory = "/etc/parley/chat-template";
    public const string ChatTemplateFile = "chat_template.jinja";

    public static List<string> Build(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = context.Spec.Model;
        var plan = context.Plan;
        if (!ModelSource.TryParse(model.Source, out var source))
        {
            throw new ArgumentException($"spec.model.source '{model.Source}' is invalid; validate before building.", nameof(context));
        }

        var args = new List<string>
        {
            WorkerFlags.Model, source.Kind switch
            {
                ModelSourceKind.PersistentVolumeClaim => $"{ModelVolumePath}/{source.Path}".TrimEnd('/'),
                ModelSourceKind.LocalFolder => source.Path,
                _ => source.Id,
            },
        };
        if (source.IsOnHub)
        {
            args.AddRange([WorkerFlags.Revision, model.Revision!, WorkerFlags.DownloadDir, ModelCachePath]);
        }

        args.AddRange(
        [
            WorkerFlags.ServedModelName, model.ServedName!,
            WorkerFlags.Dtype, plan.Format.Dtype.Name(),
            WorkerFlags.MaxModelLen, Invariant(plan.MaxModelLen),
            .. MemoryFlags(plan),
            WorkerFlags.MaxNumSeqs, Invariant(plan.MaxNumSeqs),
            WorkerFlags.MaxNumBatchedTokens, Invariant(plan.MaxNumBatchedTokens),
            WorkerFlags.EnablePrefixCaching,
        ]);
        if (plan.Format.Gptq is not null)
        {
            args.AddRange([WorkerFlags.Quantization, "gptq"]);
        }

        if (model.ChatTemplate is { Inline: not null } or { ConfigMapRef: not null })
        {
            args.AddRange([WorkerFlags.ChatTemplate, $"{ChatTemplateDirectory}/{ChatTemplateFile}"]);
        }

        if (ReasoningParserFlag(model.ReasoningParser ?? ReasoningParser.Auto, plan.Model.Id) is { } parser)
        {
            args.AddRange([WorkerFlags.ReasoningParser, parser]);
        }

        args.AddRange(WorkerAdapters.Arguments(context));
        args.AddRange([WorkerFlags.Host, "0.0.0.0", WorkerFlags.Port, Invariant(Port)]);
        return args;
    }

    /// <summary>vLLM's parser name, or null for none. <c>auto</c> picks by model family: DeepSeek-R1 distills and Qwen3 think.</summary>
    public static string? ReasoningParserFlag(ReasoningParser parser, string modelId)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        return parser switch
        {
            ReasoningParser.DeepSeekR1 => "deepseek_r1",
            ReasoningParser.Qwen3 => "qwen3",
            ReasoningParser.None => null,
            _ when modelId.Contains("DeepSeek-R1", StringComparison.OrdinalIgnoreCase) => "deepseek_r1",
            _ when modelId.Contains("Qwen3", StringComparison.OrdinalIgnoreCase) => "qwen3",
            _ => null,
        };
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    // A Shared worker gets its share in bytes, never a fraction: a fraction applies to the card's total, which the
    // neighbours hold part of.
    private static string[] MemoryFlags(TuningPlan plan) => plan.Share is { } share
        ? [WorkerFlags.GpuMemoryBytes, share.ShareBytes.ToString(CultureInfo.InvariantCulture)]
        : [WorkerFlags.GpuMemoryUtilization, plan.GpuMemoryUtilization.ToString("0.00", CultureInfo.InvariantCulture)];
}
