using Parley.Router.Holding;

namespace Parley.Router.Tests.Holding;

public class HoldQueueTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task ReleaseAll_ReleasesInArrivalOrder()
    {
        var queue = new HoldQueue(10, TimeProvider.System);
        var tickets = Enumerable.Range(0, 5).Select(_ => queue.TryEnter()!).ToList();
        var waits = tickets.Select(t => queue.WaitAsync(t, Long, CancellationToken.None)).ToList();

        queue.ReleaseAll();

        (await Task.WhenAll(waits)).Should().OnlyContain(o => o == HoldOutcome.Released);
        tickets.Select(t => t.ReleaseOrder).Should().Equal(1, 2, 3, 4, 5);
        queue.Count.Should().Be(0);
    }

    [Fact]
    public void TryEnter_BeyondCapacity_ReturnsNull()
    {
        var queue = new HoldQueue(2, TimeProvider.System);
        queue.TryEnter().Should().NotBeNull();
        queue.TryEnter().Should().NotBeNull();

        queue.TryEnter().Should().BeNull();
        queue.Count.Should().Be(2);
    }

    [Fact]
    public void TryEnter_WithCapacityZero_HoldsNothing() => new HoldQueue(0, TimeProvider.System).TryEnter().Should().BeNull();

    [Fact]
    public async Task WaitAsync_PastTheTimeout_TimesOutAndLeavesTheQueue()
    {
        var queue = new HoldQueue(2, TimeProvider.System);
        var ticket = queue.TryEnter()!;

        (await queue.WaitAsync(ticket, TimeSpan.FromMilliseconds(20), CancellationToken.None)).Should().Be(HoldOutcome.TimedOut);

        queue.Count.Should().Be(0);
        queue.TryEnter().Should().NotBeNull();
    }

    [Fact]
    public async Task WaitAsync_WhenTheClientLeaves_AbandonsAndLeavesTheQueueWithoutDisturbingOthers()
    {
        var queue = new HoldQueue(3, TimeProvider.System);
        var first = queue.TryEnter()!;
        var leaving = queue.TryEnter()!;
        var last = queue.TryEnter()!;
        using var disconnect = new CancellationTokenSource();
        var leavingWait = queue.WaitAsync(leaving, Long, disconnect.Token);

        await disconnect.CancelAsync();

        (await leavingWait).Should().Be(HoldOutcome.Abandoned);
        queue.Count.Should().Be(2);
        queue.ReleaseAll();
        first.ReleaseOrder.Should().BeLessThan(last.ReleaseOrder);
        leaving.ReleaseOrder.Should().Be(0);
    }

    [Fact]
    public void TryEnter_RaisesHoldingStartedOnlyWhenTheQueueWasEmpty()
    {
        var queue = new HoldQueue(3, TimeProvider.System);
        var raised = 0;
        queue.HoldingStarted += () => raised++;

        queue.TryEnter();
        queue.TryEnter();
        raised.Should().Be(1, "a burst is one need for a replica");

        queue.ReleaseAll();
        queue.TryEnter();
        raised.Should().Be(2, "a request held after the queue emptied is a new need");
    }

    [Fact]
    public void OldestAge_IsZeroWhenEmpty() => new HoldQueue(1, TimeProvider.System).OldestAge.Should().Be(TimeSpan.Zero);
}
