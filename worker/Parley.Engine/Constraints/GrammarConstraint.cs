// A grammar compiled against one model's vocabulary. The allowed-token set of a state is found by walking the token
// trie depth first, advancing the state byte by byte and skipping every subtree whose prefix is already dead; the
// result (a bitset over the logits row) is cached on the interned state, so a state seen before, such as "inside a
// string", costs one lookup. Thread-safe: every request using this constraint shares states, transitions and masks.
//
// Deep stacks (nested JSON) would make every nesting level a new state and a new full trie walk. So a stack deeper
// than MaxExactDepth is judged by its top frames alone, twice: on a bottom that refuses every byte (tokens allowed
// there are surely allowed) and on one that accepts everything (tokens refused there are surely refused). Both are the
// same states at every depth, so they are cached; only the few tokens in between (those that close the innermost
// value, like '",' or '}]') are checked against the real stack, one by one.
using Parley.Engine.Constraints.Grammars;

namespace Parley.Engine.Constraints;

internal sealed class GrammarConstraint : ITokenConstraint
{
    // Stacks up to this depth are walked as they are; deeper ones keep their top MaxExactDepth - 1 frames over a
    // bottom frame: enough for a string or number inside its member or item.
    private const int MaxExactDepth = 4;

    private readonly TokenVocabulary _vocabulary;

    public GrammarConstraint(Grammar grammar, TokenVocabulary vocabulary)
    {
        Automaton = new GrammarAutomaton(grammar);
        _vocabulary = vocabulary;
    }

    public GrammarAutomaton Automaton { get; }

    public TokenVocabulary Vocabulary => _vocabulary;

    public ITokenMatcher Start() => new GrammarMatcher(this);

    /// <summary>[ceil(logits / 64)]: bit i set when token i may come next in the state (EOS where it is complete).</summary>
    public ulong[] AllowedTokens(MatcherState state) => state.AllowedTokens ?? state.CacheAllowedTokens(ComputeAllowedTokens(state));

    private ulong[] ComputeAllowedTokens(MatcherState state)
    {
        ulong[] bits;
        if (state.Stacks.All(stack => stack.Depth <= MaxExactDepth))
        {
            bits = WalkTrie(state);
        }
        else
        {
            bits = new ulong[(_vocabulary.LogitsSize + 63) / 64];
            foreach (var stack in state.Stacks)
            {
                AddStack(bits, stack);
            }
        }

        if (state.IsAccepting)
        {
            foreach (var eos in _vocabulary.EosTokenIds)
            {
                Set(bits, eos);
            }
        }

        return bits;
    }

    private void AddStack(ulong[] bits, StackFrame stack)
    {
        if (stack.Depth <= MaxExactDepth)
        {
            Or(bits, AllowedTokens(Automaton.Single(stack)));
            return;
        }

        var surely = AllowedTokens(Automaton.Truncated(stack, MaxExactDepth - 1, mayGuess: false));
        var maybe = AllowedTokens(Automaton.Truncated(stack, MaxExactDepth - 1, mayGuess: true));
        Or(bits, surely);
        var exact = Automaton.Single(stack);
        for (var word = 0; word < bits.Length; word++)
        {
            for (var open = maybe[word] & ~surely[word] & ~bits[word]; open != 0; open &= open - 1)
            {
                var id = (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(open);
                if (!Automaton.Advance(exact, _vocabulary.Bytes(id)).IsDead)
                {
                    Set(bits, id);
                }
            }
        }
    }

    private ulong[] WalkTrie(MatcherState start)
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

        return bits;
    }

    private static void Or(ulong[] bits, ulong[] other)
    {
        for (var word = 0; word < bits.Length; word++)
        {
            bits[word] |= other[word];
        }
    }

    private void Set(ulong[] bits, int id)
    {
        if ((uint)id < (uint)_vocabulary.LogitsSize)
        {
            bits[id >> 6] |= 1UL << (id & 63);
        }
    }
}
