// A scaling decision, and the Event reason and sentence it is recorded with.
namespace Parley.Operator.Autoscaling;

/// <summary>From <paramref name="Current"/> to <paramref name="Desired"/> replicas, because of <paramref name="Because"/>.</summary>
public sealed record ScaleDecision(int Current, int Desired, string Because)
{
    public const string ScaledUp = "ScaledUp";
    public const string ScaledDown = "ScaledDown";
    public const string ScaledFromZero = "ScaledFromZero";
    public const string ScaledToZero = "ScaledToZero";

    public bool IsChange => Desired != Current;

    /// <summary>The Event reason of a change from <paramref name="from"/> to <paramref name="to"/> replicas.</summary>
    public static string ReasonFor(int from, int to) =>
        from == 0 ? ScaledFromZero : to == 0 ? ScaledToZero : to > from ? ScaledUp : ScaledDown;

    /// <summary>The sentence for status.autoscaling.lastDecision and the Event.</summary>
    public string Sentence => IsChange
        ? $"Scaled from {Current} to {Desired}: {Because}"
        : $"Kept {Current}: {Because}";
}
