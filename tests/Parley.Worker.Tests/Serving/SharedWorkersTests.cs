using System.Net;
using System.Net.Http.Json;
using Parley.Api.Contracts;
using Parley.Testing.Worker;
using Parley.Worker.Serving;

namespace Parley.Worker.Tests.Serving;

// Two CPU workers sharing one memory budget through a ledger folder (Serving/CpuMemoryLedger.cs says why the CPU's
// "free memory" is defined that way), as two Shared workers share a GPU.
public sealed class SharedWorkersTests : IDisposable
{
    private const long MiB = 1 << 20;
    private readonly string _ledger = Directory.CreateTempSubdirectory("parley-ledger-").FullName;

    [Fact]
    public async Task TwoWorkers_WithComplementaryShares_BothComeUpAndReportWhatTheySawAndTook()
    {
        await using var first = await RunningWorker.StartAsync(options => Shared(options, 8 * MiB));
        await using var second = await RunningWorker.StartAsync(options => Shared(options, 8 * MiB));

        var firstInfo = await InfoAsync(first);
        var secondInfo = await InfoAsync(second);

        (firstInfo.MemoryShareBytes, firstInfo.MemoryFreeSeenBytes).Should().Be((8 * MiB, 16 * MiB));
        (secondInfo.MemoryShareBytes, secondInfo.MemoryFreeSeenBytes).Should().Be((8 * MiB, 8 * MiB));
        foreach (var info in new[] { firstInfo, secondInfo })
        {
            info.MemoryTakenBytes.Should().BePositive().And.BeLessThanOrEqualTo(8 * MiB);
        }

        new CpuMemoryLedger(_ledger, 16 * MiB).FreeBytes().Should().Be(0);
    }

    [Fact]
    public async Task SecondWorker_WhileTheFirstHoldsTheMemory_WaitsAndComesUpWhenItStops()
    {
        var first = await RunningWorker.StartAsync(options => Shared(options, 12 * MiB));
        await using var second = await RunningWorker.StartAsync(options => Shared(options, 8 * MiB), waitUntilReady: false);

        // Until the first stops, only 4 MiB are free: the second cannot have loaded, however long this takes.
        for (var look = 0; look < 5; look++)
        {
            using var health = await second.Http.GetAsync(new Uri("/health", UriKind.Relative));
            health.StatusCode.Should().NotBe(HttpStatusCode.OK);
            second.Host.LoadError.Should().BeNull();
        }

        await first.DisposeAsync();
        await second.WaitUntilReadyAsync();

        var info = await InfoAsync(second);
        (info.MemoryShareBytes, info.MemoryFreeSeenBytes).Should().Be((8 * MiB, 16 * MiB));
    }

    private WorkerOptions Shared(WorkerOptions options, long share) =>
        options with { GpuMemoryBytes = share, CpuMemoryLedger = _ledger, CpuMemoryTotalBytes = 16 * MiB, MaxModelLen = 128 };

    private static async Task<WorkerInfo> InfoAsync(RunningWorker worker) =>
        (await worker.Http.GetFromJsonAsync<WorkerInfo>(new Uri(WorkerInfo.Path, UriKind.Relative)))!;

    public void Dispose() => Directory.Delete(_ledger, recursive: true);
}
