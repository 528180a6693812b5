using Parley.Engine.Backends.Cuda;

namespace Parley.Engine.Tests.Backends.Cuda;

public class MemoryShareWaitTests
{
    [Fact]
    public void Until_WhenTheShareIsFreeAtOnce_ReturnsWithoutWarning()
    {
        var warnings = new List<string>();

        MemoryShareWait.Until(200, () => 300, TimeSpan.FromMinutes(5), warnings.Add).Should().Be(300);

        warnings.Should().BeEmpty();
    }

    [Fact]
    public void Until_WhileANeighbourHoldsTheMemory_WarnsOnceAndReturnsWhenItIsFreed()
    {
        var readings = new Queue<long>([100, 150, 300]); // a neighbour stops between the second and third reading
        var warnings = new List<string>();

        var free = MemoryShareWait.Until(200, readings.Dequeue, TimeSpan.FromMinutes(5), warnings.Add);

        free.Should().Be(300);
        readings.Should().BeEmpty();
        warnings.Should().Equal("Waiting for 200 bytes of GPU memory: 100 free (a neighbour still loading or not yet stopped); giving up after 300 s");
    }

    [Fact]
    public void Until_WhenTheShareIsNeverFree_ThrowsWithTheNumbersAfterTheBound()
    {
        var waiting = () => MemoryShareWait.Until(200, () => 100, TimeSpan.Zero, warn: null);

        waiting.Should().Throw<InvalidOperationException>().WithMessage("--gpu-memory-bytes 200 was not free after 0 s: 100 bytes free on the GPU.*");
    }
}
