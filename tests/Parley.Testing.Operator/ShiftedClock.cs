// The system clock moved forward on demand: a test that needs "ten minutes later" (a scale-down delay, an idle time)
// advances it instead of waiting. Timers still run in real time, so loops keep their pace.
namespace Parley.Testing.Operator;

/// <summary>The system time plus an offset that only grows.</summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
