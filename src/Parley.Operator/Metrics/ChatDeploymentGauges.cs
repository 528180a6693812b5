// The per-ChatDeployment gauges, kept current from the ChatDeployment informer's events: each event touches only its own
// series (O(1), not a rescan of every ChatDeployment after every reconcile), and a deleted ChatDeployment, or one that
// lost its plan, loses its series at once instead of leaving them behind.
using k8s;
using Parley.Api;
using Parley.Api.Status;

namespace Parley.Operator.Metrics;

/// <summary>Sets <c>parley_chatdeployments{phase}</c> and the tuned gauges from ChatDeployment events.</summary>
public sealed class ChatDeploymentGauges
{
    /// <summary>Every phase a ChatDeployment reports; a ChatDeployment without status counts as Pending.</summary>
    public static readonly IReadOnlyList<string> AllPhases = [Phases.Pending, Phases.Progressing, Phases.Ready, Phases.Degraded, Phases.Failed];

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Namespace, string Name), string> _phases = [];
    private readonly Dictionary<string, int> _phaseCounts = AllPhases.ToDictionary(phase => phase, _ => 0);
    private readonly OperatorMetrics _metrics;

    public ChatDeploymentGauges(OperatorMetrics metrics)
    {
        _metrics = metrics;
        foreach (var phase in AllPhases)
        {
            metrics.ChatDeployments.WithLabels(phase).Set(0);
        }
    }

    /// <summary>Records one informer event (a resync's repeat of an unchanged object changes nothing).</summary>
    public void Observe(WatchEventType type, ChatDeployment chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        var key = (chat.Metadata.NamespaceProperty ?? "", chat.Metadata.Name ?? "");
        lock (_gate)
        {
            if (type == WatchEventType.Deleted)
            {
                SetPhase(key, null);
                RemoveTuned(key);
                return;
            }

            SetPhase(key, chat.Status?.Phase ?? Phases.Pending);
            if (chat.Status?.Tuning is { } tuning)
            {
                _metrics.MaxModelLen.WithLabels(key.Item1, key.Item2).Set(tuning.MaxModelLen ?? 0);
                _metrics.GpuMemoryUtilization.WithLabels(key.Item1, key.Item2).Set(tuning.GpuMemoryUtilization ?? 0);
                _metrics.StepDowns.WithLabels(key.Item1, key.Item2).Set(tuning.StepDowns ?? 0);
            }
            else
            {
                RemoveTuned(key);
            }
        }
    }

    private void SetPhase((string, string) key, string? phase)
    {
        if (_phases.TryGetValue(key, out var previous))
        {
            if (previous == phase)
            {
                return;
            }

            Count(previous, -1);
        }

        if (phase is null)
        {
            _phases.Remove(key);
            return;
        }

        _phases[key] = phase;
        Count(phase, +1);
    }

    private void Count(string phase, int delta)
    {
        var count = _phaseCounts[phase] = _phaseCounts.GetValueOrDefault(phase) + delta;
        _metrics.ChatDeployments.WithLabels(phase).Set(count);
    }

    private void RemoveTuned((string Namespace, string Name) key)
    {
        _metrics.MaxModelLen.RemoveLabelled(key.Namespace, key.Name);
        _metrics.GpuMemoryUtilization.RemoveLabelled(key.Namespace, key.Name);
        _metrics.StepDowns.RemoveLabelled(key.Namespace, key.Name);
    }
}
