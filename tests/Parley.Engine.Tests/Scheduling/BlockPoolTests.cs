using Parley.Engine.Scheduling;

namespace Parley.Engine.Tests.Scheduling;

public class BlockPoolTests
{
    [Fact]
    public void Allocate_WhenPoolIsShort_ReturnsFalseAndTakesNothing()
    {
        var pool = new BlockPool(4);
        var blocks = new List<KvBlock>();

        pool.TryAllocate(4, blocks).Should().BeFalse("only 3 blocks exist besides the null block");
        blocks.Should().BeEmpty();
        pool.FreeBlockCount.Should().Be(3);
    }

    [Fact]
    public void Allocate_NeverHandsOutTheNullBlock()
    {
        var pool = new BlockPool(4);
        var blocks = new List<KvBlock>();

        pool.TryAllocate(3, blocks).Should().BeTrue();

        blocks.Should().NotContain(pool.NullBlock).And.OnlyContain(b => b.RefCount == 1);
        pool.Usage.Should().Be(1.0);
    }

    [Fact]
    public void Free_KeepsContentsCachedUntilEvictedLeastRecentlyUsedFirst()
    {
        var pool = new BlockPool(4);
        var blocks = new List<KvBlock>();
        pool.TryAllocate(3, blocks);
        var hashes = new[] { Hash(1), Hash(2), Hash(3) };
        pool.CacheFullBlocks(blocks, hashes);

        pool.Free([blocks[1], blocks[0], blocks[2]]);

        pool.GetCached(hashes[0]).Should().BeSameAs(blocks[0], "a freed block is still a cache entry");
        var reused = new List<KvBlock>();
        pool.TryAllocate(1, reused);
        reused.Single().Should().BeSameAs(blocks[1], "the block freed first is evicted first");
        pool.GetCached(hashes[1]).Should().BeNull();
        pool.GetCached(hashes[0]).Should().NotBeNull();
    }

    [Fact]
    public void Touch_SharesACachedBlockAndTakesItOutOfTheFreeQueue()
    {
        var pool = new BlockPool(3);
        var blocks = new List<KvBlock>();
        pool.TryAllocate(1, blocks);
        pool.CacheFullBlocks(blocks, [Hash(7)]);
        pool.Free(blocks);

        pool.Touch([blocks[0]]);
        pool.Touch([blocks[0]]);

        blocks[0].RefCount.Should().Be(2);
        pool.FreeBlockCount.Should().Be(1);
        pool.Free(blocks);
        pool.Free(blocks);
        pool.FreeBlockCount.Should().Be(2);
    }

    [Fact]
    public void Free_MoreOftenThanAllocated_IsABug()
    {
        var pool = new BlockPool(2);
        var blocks = new List<KvBlock>();
        pool.TryAllocate(1, blocks);
        pool.Free(blocks);

        var again = () => pool.Free(blocks);

        again.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void BlockHash_DependsOnTheWholePrefix()
    {
        int[] block = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

        BlockHash.Of(null, block).Should().Be(BlockHash.Of(null, block));
        BlockHash.Of(Hash(1), block).Should().NotBe(BlockHash.Of(Hash(2), block), "the same tokens after another prefix are another prefix");
        BlockHash.Of(null, block).Should().NotBe(BlockHash.Of(Hash(0), block));
        BlockHash.Chain([.. block, .. block, 99], 16).Should().HaveCount(2);
    }

    private static BlockHash Hash(int seed) => BlockHash.Of(null, [seed]);
}
