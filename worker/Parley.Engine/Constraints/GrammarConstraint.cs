// A grammar compiled against one model's vocabulary. The allowed-token set of a state is found by walking the token
// trie depth first, advancing the state byte by byte and skipping every subtree whose prefix is already dead; the
// result (a bitset over the logits row) is cached on the interned state, so a state seen before, such as "inside a
// string", costs one lookup. Thread-safe: every request using this constraint shares states, transitions and masks.
using Parley.Engine.Constraints.Grammars;

namespace Parley.Engine.Constraints;

internal sealed class GrammarConstraint : ITokenConstraint
{
    private readonly TokenVocabulary _vocabulary;

    public GrammarConstraint(Grammar grammar, TokenVocabulary vocabulary)
    {
        Automaton = new GrammarAutomaton(grammar);
        _vocabulary = vocabulary;
    }

    public GrammarAutomaton Automaton { get; }

    public TokenVocabulary Vocabulary => _vocabulary;

    public ITokenMatcher Start() => new GrammarMatcher(this);

    /// <summary>[ceil(logits / 64)]: bit i set when token i may come next in the state.</summary>
    public ulong[] AllowedTokens(MatcherState state) => state.AllowedTokens ?? state.CacheAllowedTokens(ComputeAllowedTokens(state));

    private ulong[] ComputeAllowedTokens(MatcherState start)
    {
        var bits = new ulong[(_vocabulary.LogitsSize + 63) / 64];
        var trie = _vocabulary.Trie;
        var states = new MatcherState[trie.MaxDepth + 1];
        states[0] = start;
        var node = 1;
        while (node < trie.NodeCount)
        {
            var depth = trie.NodeDepth[node];
            var state = Automaton.Advance(states[depth - 1], trie.NodeByte[node]);
            if (state.IsDead)
            {
                node = trie.SubtreeEnd[node];
                continue;
            }

            states[depth] = state;
            for (var t = trie.TokenStart[node]; t < trie.TokenStart[node + 1]; t++)
            {
                Set(bits, trie.TokenIds[t]);
            }

            node++;
        }

        if (start.IsAccepting)
        {
            foreach (var eos in _vocabulary.EosTokenIds)
            {
                Set(bits, eos);
            }
        }

        return bits;
    }

    private void Set(ulong[] bits, int id)
    {
        if ((uint)id < (uint)_vocabulary.LogitsSize)
        {
            bits[id >> 6] |= 1UL << (id & 63);
        }
    }
}
