using Parley.Engine.Scheduling;

namespace Parley.Engine.Tests.Scheduling;

public class KvCacheManagerTests
{
    [Fact]
    public void MultiTurnChat_ReusesThePreviousTurnsBlocks()
    {
        var manager = new KvCacheManager(new BlockPool(64));
        var turn1 = Tokens(0, 40);
        var answer1 = Tokens(1000, 30);
        Serve(manager, "turn-1", [.. turn1, .. answer1]);

        int[] turn2 = [.. turn1, .. answer1, .. Tokens(2000, 20)];
        var hits = manager.GetComputedBlocks(turn2);

        hits.Should().HaveCount(70 / 16, "every full block of the first turn, answer included, is reused");
        manager.PrefixCacheHits.Should().Be(64);
        manager.TryAllocate("turn-2", turn2.Length, hits).Should().BeTrue();
        manager.BlockTable("turn-2").Take(4).Should().Equal(hits);
    }

    [Fact]
    public void GetComputedBlocks_AlwaysLeavesOneTokenToCompute()
    {
        var manager = new KvCacheManager(new BlockPool(8));
        var prompt = Tokens(0, 32);
        Serve(manager, "first", prompt);

        manager.GetComputedBlocks(prompt).Should().HaveCount(1, "the second block holds the token whose logits are needed");
    }

    [Fact]
    public void TwoRequestsWithTheSamePrefix_ShareItsBlocks()
    {
        var manager = new KvCacheManager(new BlockPool(16));
        int[] system = Tokens(0, 48);
        manager.TryAllocate("a", 50).Should().BeTrue();
        manager.CacheFullBlocks("a", [.. system, 1, 2], 50);

        int[] b = [.. system, 7, 8, 9];
        var hits = manager.GetComputedBlocks(b);
        manager.TryAllocate("b", b.Length, hits).Should().BeTrue();

        hits.Should().HaveCount(3).And.OnlyContain(block => block.RefCount == 2);
        manager.Pool.FreeBlockCount.Should().Be(15 - 4 - 1);
    }

    [Fact]
    public void TryAllocate_WhenShort_ChangesNothing()
    {
        var manager = new KvCacheManager(new BlockPool(4));
        manager.TryAllocate("a", 32).Should().BeTrue();

        manager.TryAllocate("b", 32).Should().BeFalse();

        manager.BlockTable("b").Should().BeEmpty();
        manager.Pool.FreeBlockCount.Should().Be(1);
    }

    [Fact]
    public void TryAllocate_GrowsTheTableAsTokensArrive()
    {
        var manager = new KvCacheManager(new BlockPool(8));
        manager.TryAllocate("a", 16).Should().BeTrue();
        manager.TryAllocate("a", 17).Should().BeTrue();

        manager.BlockTable("a").Should().HaveCount(2);
    }

    [Fact]
    public void Free_ReturnsEveryBlockAndKeepsThePrefixCached()
    {
        var manager = new KvCacheManager(new BlockPool(8));
        var prompt = Tokens(0, 40);
        Serve(manager, "a", prompt);

        manager.Pool.FreeBlockCount.Should().Be(7);
        manager.GetComputedBlocks(prompt).Should().HaveCount(2);
    }

    [Fact]
    public void PrefixCachingOff_FindsNothing()
    {
        var manager = new KvCacheManager(new BlockPool(8, enablePrefixCaching: false));
        var prompt = Tokens(0, 40);
        Serve(manager, "a", prompt);

        manager.GetComputedBlocks(prompt).Should().BeEmpty();
        manager.PrefixCacheQueries.Should().Be(80, "both lookups are counted");
        manager.PrefixCacheHits.Should().Be(0);
    }

    [Fact]
    public void BlocksCachedUnderALoraAdapter_AreFoundUnderThatAdapterOnly()
    {
        var manager = new KvCacheManager(new BlockPool(64));
        var prompt = Tokens(0, 50);
        Serve(manager, "adapter-7", prompt, adapterId: 7);

        manager.GetComputedBlocks(prompt, adapterId: 7).Should().HaveCount(3);
        manager.GetComputedBlocks(prompt, adapterId: 8).Should().BeEmpty("another adapter computes other keys and values");
        manager.GetComputedBlocks(prompt).Should().BeEmpty("the base model computes other keys and values");
    }

    [Fact]
    public void BlocksCachedByTheBase_AreNotFoundUnderAnAdapter()
    {
        var manager = new KvCacheManager(new BlockPool(64));
        var prompt = Tokens(0, 50);
        Serve(manager, "base", prompt);

        manager.GetComputedBlocks(prompt, adapterId: 1).Should().BeEmpty();
        manager.GetComputedBlocks(prompt).Should().HaveCount(3);
    }

    private static void Serve(KvCacheManager manager, string id, int[] tokens, int adapterId = 0)
    {
        var hits = manager.GetComputedBlocks(tokens, adapterId);
        manager.TryAllocate(id, tokens.Length, hits).Should().BeTrue();
        manager.CacheFullBlocks(id, tokens, tokens.Length, adapterId);
        manager.Free(id);
    }

    private static int[] Tokens(int start, int count) => Enumerable.Range(start, count).ToArray();
}
