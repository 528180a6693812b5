using Microsoft.Extensions.Logging.Abstractions;
using Parley.Operator.Metrics;
using Parley.Operator.Reconciliation;
using Parley.Operator.Runtime;
using Parley.Operator.Tests.Integration;

namespace Parley.Operator.Tests.Runtime;

public class ControllerTests
{
    [Fact]
    public async Task Run_AFailingReconcile_IsRetriedWithBackoffAndCounted()
    {
        var metrics = new OperatorMetrics();
        using var controller = new Controller("Test", workerCount: 2, metrics, NullLogger.Instance);
        var reconciler = new ScriptedReconciler(
            _ => throw new InvalidOperationException("transient"),
            _ => ReconcileResult.Backoff,
            _ => ReconcileResult.Done);
        using var stop = new CancellationTokenSource();

        var run = controller.RunAsync(reconciler, () => true, () => ["team-a/r1"], stop.Token, CancellationToken.None);

        await OperatorHarness.EventuallyAsync(() => (int?)reconciler.CallCount, n => n == 3, "three reconciles of one key");
        await stop.CancelAsync();
        controller.ShutDown();
        await run;
        metrics.ReconcileTotal.WithLabels("error").Value.Should().Be(1);
        metrics.ReconcileErrors.Value.Should().Be(1);
        metrics.ReconcileTotal.WithLabels("requeue").Value.Should().Be(1);
        metrics.ReconcileTotal.WithLabels("success").Value.Should().Be(1);
        reconciler.Keys.Should().AllBe("team-a/r1");
    }

    [Fact]
    public async Task Run_BeforeTheCachesSync_ReconcilesNothing()
    {
        var metrics = new OperatorMetrics();
        using var controller = new Controller("Test", workerCount: 1, metrics, NullLogger.Instance);
        var reconciler = new ScriptedReconciler(_ => ReconcileResult.Done);
        var synced = false;
        using var stop = new CancellationTokenSource();
        controller.Add("team-a/r1");

        var run = controller.RunAsync(reconciler, () => synced, () => [], stop.Token, CancellationToken.None);
        await Task.Delay(200);
        var before = reconciler.CallCount;
        synced = true;
        await OperatorHarness.EventuallyAsync(() => (int?)reconciler.CallCount, n => n == 1, "the reconcile after sync");
        await stop.CancelAsync();
        controller.ShutDown();
        await run;

        before.Should().Be(0);
    }

    private sealed class ScriptedReconciler(params Func<string, ReconcileResult>[] steps) : IReconciler
    {
        private int _calls;
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _keys = new();

        public int CallCount => Volatile.Read(ref _calls);

        public IReadOnlyCollection<string> Keys => _keys;

        public Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
        {
            _keys.Enqueue(key);
            var step = Interlocked.Increment(ref _calls) - 1;
            return Task.FromResult(steps[Math.Min(step, steps.Length - 1)](key));
        }
    }
}
