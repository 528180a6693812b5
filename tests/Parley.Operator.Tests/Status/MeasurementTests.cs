using Parley.Api.Contracts;
using Parley.Api.Status;
using Parley.Operator.Status;

namespace Parley.Operator.Tests.Status;

public class MeasurementTests
{
    private static readonly DateTime Earlier = new(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Now = Earlier.AddMinutes(1);

    [Fact]
    public void From_ASharedWorkersReport_CarriesShareFreeSeenAndTaken()
    {
        var info = Info(taken: 5_000_000_000);

        var measured = Measurement.From(info, previous: null, Now);

        (measured.MemoryShareBytes, measured.MemoryFreeSeenBytes, measured.MemoryTakenBytes).Should().Be((8_840_456_065L, 9_000_000_000L, 5_000_000_000L));
        measured.ObservedAt.Should().Be(Now);
    }

    [Fact]
    public void From_WhenOnlyWhatTheWorkerTookChanged_MovesObservedAt()
    {
        var previous = Measurement.From(Info(taken: 5_000_000_000), previous: null, Earlier);

        Measurement.From(Info(taken: 5_000_000_000), previous, Now).ObservedAt.Should().Be(Earlier);
        Measurement.From(Info(taken: 6_000_000_000), previous, Now).ObservedAt.Should().Be(Now);
    }

    private static WorkerInfo Info(long taken) => new()
    {
        Model = "r1", MaxModelLen = 4096, KvCacheTokens = 140_640, MemoryShareBytes = 8_840_456_065, MemoryFreeSeenBytes = 9_000_000_000, MemoryTakenBytes = taken,
    };
}
