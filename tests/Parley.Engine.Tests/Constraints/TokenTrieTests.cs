// The token trie's array layout: every token ends at the node its bytes lead to, subtrees are contiguous, and tokens
// sharing bytes share nodes.
using System.Text;
using Parley.Engine.Constraints;

namespace Parley.Engine.Tests.Constraints;

public class TokenTrieTests
{
    private static readonly string[] Tokens = ["ab", "a", "abc", "b", "ab", "ba", "é", "\u00e9x"];

    [Fact]
    public void Build_EveryToken_EndsAtTheNodeItsBytesLeadTo()
    {
        var trie = Build();

        for (var id = 0; id < Tokens.Length; id++)
        {
            var node = Follow(trie, Encoding.UTF8.GetBytes(Tokens[id]));
            trie.TokenIds[trie.TokenStart[node]..trie.TokenStart[node + 1]].Should().Contain(id, $"token '{Tokens[id]}'");
        }
    }

    [Fact]
    public void Build_SharedPrefixes_ShareNodesAndSubtreesAreContiguous()
    {
        var trie = Build();

        // Distinct prefixes: a, ab, abc, b, ba, C3, C3 A9, C3 A9 x, plus the root.
        trie.NodeCount.Should().Be(9);
        var a = Follow(trie, "a"u8);
        trie.SubtreeEnd[a].Should().Be(Follow(trie, "abc"u8) + 1, "a's subtree is a, ab, abc");
        Enumerable.Range(a + 1, trie.SubtreeEnd[a] - a - 1).Should().OnlyContain(node => trie.NodeDepth[node] > trie.NodeDepth[a]);
        trie.MaxDepth.Should().Be(3);
    }

    private static TokenTrie Build() => TokenTrie.Build([.. Enumerable.Range(0, Tokens.Length)], id => Encoding.UTF8.GetBytes(Tokens[id]));

    private static int Follow(TokenTrie trie, ReadOnlySpan<byte> bytes)
    {
        var node = 0;
        foreach (var value in bytes)
        {
            var child = node + 1;
            while (child < trie.SubtreeEnd[node] && !(trie.NodeDepth[child] == trie.NodeDepth[node] + 1 && trie.NodeByte[child] == value))
            {
                child = trie.SubtreeEnd[child];
            }

            child.Should().BeLessThan(trie.SubtreeEnd[node], $"byte {value} should follow node {node}");
            node = child;
        }

        return node;
    }
}
