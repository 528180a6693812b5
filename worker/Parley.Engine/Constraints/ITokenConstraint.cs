// Constrained decoding: a compiled constraint (a JSON schema, a regex, a choice list) knows, for every position in the
// output, which tokens may come next. The sampler asks the request's matcher for that set before each draw and moves
// it past the token drawn, so the output always matches, whatever the model's weights say.
namespace Parley.Engine.Constraints;

/// <summary>A compiled output constraint, shared (thread-safe) by every request that uses it.</summary>
public interface ITokenConstraint
{
    /// <summary>A matcher at the start of the output, for one request.</summary>
    ITokenMatcher Start();
}

/// <summary>One request's position in a constraint; used by one thread at a time.</summary>
public interface ITokenMatcher
{
    /// <summary>Sets the logit of every token that may not come next to negative infinity: tokens whose bytes leave
    /// the constraint, special tokens, ids past the tokenizer's vocabulary, and EOS while the output is incomplete.</summary>
    void Mask(Span<float> logits);

    /// <summary>Moves past a sampled token. False (and no move) when the token was not allowed.</summary>
    bool Accept(int tokenId);

    /// <summary>The output is complete and nothing more may follow: generation ends here.</summary>
    bool IsTerminated { get; }
}
