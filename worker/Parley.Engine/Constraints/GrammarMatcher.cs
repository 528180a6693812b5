// One request's walk through a GrammarConstraint: the current interned state, and whether EOS has been taken.
using Parley.Engine.Constraints.Grammars;

namespace Parley.Engine.Constraints;

internal sealed class GrammarMatcher : ITokenMatcher
{
    private readonly GrammarConstraint _constraint;
    private MatcherState _state;
    private bool _hasEnded;

    public GrammarMatcher(GrammarConstraint constraint)
    {
        _constraint = constraint;
        _state = constraint.Automaton.Start;
    }

    public bool IsTerminated => _hasEnded || _state.IsFinal;

    /// <summary>The output so far is a complete match (EOS is allowed).</summary>
    public bool IsComplete => _state.IsAccepting;

    public void Mask(Span<float> logits)
    {
        var vocabulary = _constraint.Vocabulary;
        if (logits.Length != vocabulary.LogitsSize)
        {
            throw new ArgumentException($"The logits row has {logits.Length} entries; this constraint was compiled for {vocabulary.LogitsSize}.", nameof(logits));
        }

        if (_hasEnded)
        {
            // Only EOS may follow EOS: keep their logits, clear the rest.
            var eos = vocabulary.EosTokenIds;
            Span<float> kept = stackalloc float[eos.Count];
            for (var i = 0; i < eos.Count; i++)
            {
                kept[i] = logits[eos[i]];
            }

            logits.Fill(float.NegativeInfinity);
            for (var i = 0; i < eos.Count; i++)
            {
                logits[eos[i]] = kept[i];
            }

            return;
        }

        TokenMask.Apply(_constraint.AllowedTokens(_state), logits);
    }

    public bool Accept(int tokenId)
    {
        var vocabulary = _constraint.Vocabulary;
        if (vocabulary.IsEos(tokenId))
        {
            if (!_state.IsAccepting)
            {
                return false;
            }

            _hasEnded = true;
            return true;
        }

        if (_hasEnded || !vocabulary.IsText(tokenId))
        {
            return false;
        }

        var next = _constraint.Automaton.Advance(_state, vocabulary.Bytes(tokenId));
        if (next.IsDead)
        {
            return false;
        }

        _state = next;
        return true;
    }

    /// <summary>The fewest bytes that would complete the output from here, or null when none is found quickly. Lets
    /// a caller close a document that is running out of tokens, and lets tests finish random walks.</summary>
    public byte[]? ShortestCompletion() => _hasEnded ? [] : _constraint.Automaton.ShortestCompletion(_state);
}
