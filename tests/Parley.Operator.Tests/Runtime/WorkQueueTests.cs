using Parley.Operator.Runtime;

namespace Parley.Operator.Tests.Runtime;

public class WorkQueueTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Add_SameKeyTwice_IsTakenOnce()
    {
        using var queue = new WorkQueue();
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");

        queue.Depth.Should().Be(2);
        (await queue.TakeAsync(CancellationToken.None)).Should().Be("a");
        (await queue.TakeAsync(CancellationToken.None)).Should().Be("b");
        queue.Depth.Should().Be(0);
    }

    [Fact]
    public async Task Add_WhileProcessing_IsNotHandedToASecondWorkerButRunsAgainAfterDone()
    {
        using var queue = new WorkQueue();
        queue.Add("a");
        var key = await queue.TakeAsync(CancellationToken.None);
        queue.Add("a");

        using var brief = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var second = () => queue.TakeAsync(brief.Token);
        await second.Should().ThrowAsync<OperationCanceledException>("the key is still being processed");

        queue.Done(key!);
        using var timeout = new CancellationTokenSource(Soon);
        (await queue.TakeAsync(timeout.Token)).Should().Be("a");
    }

    [Fact]
    public async Task AddAfter_DeliversTheKeyLater()
    {
        using var queue = new WorkQueue();
        queue.AddAfter("later", TimeSpan.FromMilliseconds(50));

        queue.Depth.Should().Be(0);
        using var timeout = new CancellationTokenSource(Soon);
        (await queue.TakeAsync(timeout.Token)).Should().Be("later");
    }

    [Fact]
    public async Task ShutDown_DrainsWhatWaitsThenEnds()
    {
        using var queue = new WorkQueue();
        queue.Add("a");
        queue.ShutDown();
        queue.Add("b");

        (await queue.TakeAsync(CancellationToken.None)).Should().Be("a");
        (await queue.TakeAsync(CancellationToken.None)).Should().BeNull();
    }
}
