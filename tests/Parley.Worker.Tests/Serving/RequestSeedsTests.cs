using Parley.Worker.Serving;

namespace Parley.Worker.Tests.Serving;

public class RequestSeedsTests
{
    [Fact]
    public void RequestsOwnSeed_IsKept_WithOrWithoutAWorkerSeed()
    {
        new RequestSeeds(5).For(42).Should().Be(42);
        new RequestSeeds(null).For(42).Should().Be(42);
    }

    [Fact]
    public void WithoutAWorkerSeed_UnseededRequestsStayUnseeded() => new RequestSeeds(null).For(null).Should().BeNull();

    [Fact]
    public void WorkerSeed_GivesTheSameSequence_AndDifferentSeedsWithinIt()
    {
        var first = new RequestSeeds(5);
        var second = new RequestSeeds(5);

        var seeds = Enumerable.Range(0, 4).Select(_ => first.For(null)).ToList();

        Enumerable.Range(0, 4).Select(_ => second.For(null)).Should().Equal(seeds);
        seeds.Should().OnlyHaveUniqueItems();
        new RequestSeeds(6).For(null).Should().NotBe(seeds[0]);
    }
}
