using Microsoft.Extensions.Logging;
using Parley.Worker.Serving;

namespace Parley.Worker.Tests.Serving;

public sealed class MemoryShareGateTests : IDisposable
{
    private const long MiB = 1 << 20;
    private readonly string _folder = Directory.CreateTempSubdirectory("parley-ledger-").FullName;

    [Fact]
    public async Task Take_WhileANeighbourHoldsTheMemory_LogsAndWaitsUntilItIsFreed()
    {
        var ledger = new CpuMemoryLedger(_folder, 16 * MiB);
        var neighbour = ledger.TryClaim(12 * MiB, out _)!;
        var logger = new CapturingLogger();

        var taking = MemoryShareGate.TakeAsync(ledger, 8 * MiB, TimeSpan.FromMinutes(5), logger, CancellationToken.None);
        while (!logger.Lines.Any(line => line.StartsWith("Waiting for", StringComparison.Ordinal)))
        {
            await Task.Delay(10);
        }

        taking.IsCompleted.Should().BeFalse("4 MiB are free and the share is 8 MiB");
        logger.Lines.Should().Contain($"Waiting for {8 * MiB} bytes of device memory: {4 * MiB} free (a neighbour still loading or not yet stopped); giving up after 300 s");
        neighbour.Dispose();
        var (claim, report) = await taking;

        report.Should().Be(new MemoryShareReport(8 * MiB, FreeSeenBytes: 16 * MiB));
        ledger.FreeBytes().Should().Be(8 * MiB);
        claim.Dispose();
        ledger.FreeBytes().Should().Be(16 * MiB);
    }

    [Fact]
    public async Task Take_WhenTheShareIsNeverFree_FailsAfterTheTimeoutWithTheNumbers()
    {
        var ledger = new CpuMemoryLedger(_folder, 16 * MiB);
        using var neighbour = ledger.TryClaim(12 * MiB, out _)!;

        var taking = () => MemoryShareGate.TakeAsync(ledger, 8 * MiB, TimeSpan.Zero, new CapturingLogger(), CancellationToken.None);

        (await taking.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage($"--gpu-memory-bytes {8 * MiB} was not free after 0 s: {4 * MiB} of {16 * MiB} bytes free.*");
    }

    [Fact]
    public void Claims_OfAProcessThatIsGone_DoNotCount()
    {
        File.WriteAllText(Path.Combine(_folder, "claim-999999999-dead"), $"{12 * MiB}");

        new CpuMemoryLedger(_folder, 16 * MiB).FreeBytes().Should().Be(16 * MiB);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class CapturingLogger : ILogger
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add(formatter(state, exception));
            }
        }
    }
}
