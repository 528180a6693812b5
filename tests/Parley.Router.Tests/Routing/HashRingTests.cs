using Parley.Router.Routing;

namespace Parley.Router.Tests.Routing;

public class HashRingTests
{
    private static string[] Members(int count) => [.. Enumerable.Range(0, count).Select(i => $"10.0.0.{i + 1}:8000")];

    [Fact]
    public void Walk_OfEmptyRing_YieldsNothing() => new HashRing([]).Walk(42).Should().BeEmpty();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public void Walk_VisitsEveryMemberOnce(int count) =>
        new HashRing(Members(count)).Walk(12345).Should().BeEquivalentTo(Enumerable.Range(0, count)).And.OnlyHaveUniqueItems();

    [Fact]
    public void Homes_OfManyKeys_SpreadEvenlyOverFourMembers()
    {
        var ring = new HashRing(Members(4));
        var shares = ReplicaSet.Keys(20_000).GroupBy(k => ring.Walk(k).First()).Select(g => g.Count() / 20_000.0).ToList();

        // 100 points per member: each share lands within about 10% of the 25% mean; 15% leaves room for the draw.
        shares.Should().HaveCount(4).And.OnlyContain(share => share > 0.25 * 0.85 && share < 0.25 * 1.15);
    }

    [Fact]
    public void AddingAMember_MovesOnlyTheKeysItTakes()
    {
        var before = new HashRing(Members(4));
        var after = new HashRing(Members(5)); // the fifth member appended, so indexes 0..3 name the same addresses
        var keys = ReplicaSet.Keys(10_000).ToList();
        var moved = keys.Count(k => before.Walk(k).First() != after.Walk(k).First());
        var movedToOthers = keys.Count(k => before.Walk(k).First() != after.Walk(k).First() && after.Walk(k).First() != 4);

        movedToOthers.Should().Be(0, "a key only moves to the new member");
        ((double)moved / keys.Count).Should().BeInRange(0.2 * 0.7, 0.2 * 1.3, "about 1/5 of the keys move");
    }

    [Fact]
    public void RemovingAMember_MovesOnlyItsKeys()
    {
        var members = Members(4);
        var before = new HashRing(members);
        var after = new HashRing(members.Where((_, i) => i != 2));
        string Home(HashRing ring, string[] names, ulong key) => names[ring.Walk(key).First()];
        var remaining = members.Where((_, i) => i != 2).ToArray();

        foreach (var key in ReplicaSet.Keys(5_000))
        {
            var home = Home(before, members, key);
            if (home != members[2])
            {
                Home(after, remaining, key).Should().Be(home);
            }
        }
    }

    [Fact]
    public void Hash_IsStable() =>
        HashRing.Hash("abc"u8).Should().Be(0xba7816bf8f01cfea, "the first 8 bytes of SHA-256(\"abc\"), big-endian");
}
