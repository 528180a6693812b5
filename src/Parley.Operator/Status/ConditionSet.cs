// metav1.Condition bookkeeping: a condition's lastTransitionTime moves only when its status flips.
using k8s.Models;

namespace Parley.Operator.Status;

/// <summary>Builds a condition list from the previous one.</summary>
public sealed class ConditionSet(IList<V1Condition>? previous, long? observedGeneration, DateTime now)
{
    private readonly List<V1Condition> _conditions = [];

    public IList<V1Condition> Conditions => _conditions;

    public ConditionSet Set(string type, bool isTrue, string reason, string message)
    {
        var status = isTrue ? "True" : "False";
        var before = previous?.FirstOrDefault(condition => condition.Type == type);
        _conditions.Add(new V1Condition
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            ObservedGeneration = observedGeneration,
            LastTransitionTime = before?.Status == status ? before.LastTransitionTime : now,
        });
        return this;
    }
}
