using Parley.Engine.Constraints;

namespace Parley.Engine.Tests.Constraints;

/// <summary>A test constraint that allows exactly one token sequence, then terminates: what the sampler and engine do
/// with any constraint, without a compiler.</summary>
public sealed class TokenSequenceConstraint(params int[] tokens) : ITokenConstraint
{
    public ITokenMatcher Start() => new Matcher(tokens);

    private sealed class Matcher(int[] tokens) : ITokenMatcher
    {
        private int _position;

        public bool IsTerminated => _position == tokens.Length;

        public void Mask(Span<float> logits)
        {
            for (var id = 0; id < logits.Length; id++)
            {
                if (_position >= tokens.Length || id != tokens[_position])
                    logits[id] = float.NegativeInfinity;
            }
        }

        public bool Accept(int tokenId)
        {
            if (_position >= tokens.Length || tokens[_position] != tokenId)
                return false;
            _position++;
            return true;
        }
    }
}
