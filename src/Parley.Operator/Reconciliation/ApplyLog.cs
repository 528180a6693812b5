// What the applier did to each object, as one log line and one counter increment, so that "why did the operator write
// to my Deployment?" has an answer in the logs and "how much does it write?" in the metrics.
using Microsoft.Extensions.Logging;
using Parley.Operator.Metrics;

namespace Parley.Operator.Reconciliation;

/// <summary>Logs and counts apply outcomes.</summary>
public sealed partial class ApplyLog(ILogger logger, OperatorMetrics metrics)
{
    /// <summary>Logs <paramref name="applied"/> (unchanged at Debug: a steady state would otherwise log every object on
    /// every resync), counts it in <c>parley_apply_total{kind,outcome}</c>, and returns it.</summary>
    public AppliedObject Record(AppliedObject applied)
    {
        ArgumentNullException.ThrowIfNull(applied);
        var outcome = OutcomeLabel(applied.Outcome);
        metrics.ApplyTotal.WithLabels(applied.Kind, outcome).Inc();
        if (applied.Outcome == ApplyOutcome.Unchanged)
        {
            LogUnchanged(logger, applied.Kind, applied.Name, outcome);
        }
        else
        {
            LogChanged(logger, applied.Kind, applied.Name, outcome);
        }

        return applied;
    }

    /// <summary>The lower-case word used in logs and metric labels, as controller-runtime's OperationResult spells it.</summary>
    public static string OutcomeLabel(ApplyOutcome outcome) => outcome switch
    {
        ApplyOutcome.Created => "created",
        ApplyOutcome.Updated => "updated",
        ApplyOutcome.Deleted => "deleted",
        _ => "unchanged",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Kind} {Name}: {Outcome}")]
    private static partial void LogChanged(ILogger logger, string kind, string name, string outcome);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Applied {Kind} {Name}: {Outcome}")]
    private static partial void LogUnchanged(ILogger logger, string kind, string name, string outcome);
}
