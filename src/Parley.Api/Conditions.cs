// Condition types and reasons of a ChatDeployment: PascalCase constants, as metav1.Condition requires.
namespace Parley.Api;

/// <summary>Condition types set on <c>status.conditions</c>.</summary>
public static class ConditionTypes
{
    /// <summary>The worker serves (and the UI, when enabled).</summary>
    public const string Ready = "Ready";

    /// <summary>Objects are being created or rolled out.</summary>
    public const string Progressing = "Progressing";

    /// <summary>Something needs a person: a refused plan, repeated GPU out-of-memory, a failing rollout.</summary>
    public const string Degraded = "Degraded";

    /// <summary>The current tuning plan is what the worker runs with.</summary>
    public const string TuningApplied = "TuningApplied";
}

/// <summary>Reasons on conditions and Events; each says what happened in one word.</summary>
public static class ConditionReasons
{
    public const string InvalidSpec = "InvalidSpec";
    public const string ApplyFailed = "ApplyFailed";
    public const string InsufficientGpuMemory = "InsufficientGpuMemory";
    public const string NoGpuNodes = "NoGpuNodes";
    public const string UnknownModel = "UnknownModel";
    public const string Planned = "Planned";
    public const string Replanned = "Replanned";
    public const string SteppedDown = "SteppedDown";
    public const string OutOfMemoryRepeatedly = "OutOfMemoryRepeatedly";
    public const string GpuMismatch = "GpuMismatch";
    public const string WaitingForWorker = "WaitingForWorker";
    public const string WaitingForUi = "WaitingForUi";
    public const string WaitingForRouter = "WaitingForRouter";
    public const string RollingOut = "RollingOut";
    public const string Serving = "Serving";
    public const string ScaledToZero = "ScaledToZero";
    public const string AsExpected = "AsExpected";
}
