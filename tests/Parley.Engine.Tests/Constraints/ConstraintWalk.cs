// A random walk through a constraint, as a sampler would drive it: at each step random logits are masked, an allowed
// token is drawn and accepted. After a number of free steps the walk heads for the end: it follows the shortest
// completion, taking the longest allowed token that spells a prefix of it, and takes EOS as soon as it is allowed.
// Every token taken is checked against the mask, so the walk tests the masks as much as the final text.
using System.Text;
using Parley.Engine.Constraints;

namespace Parley.Engine.Tests.Constraints;

internal static class ConstraintWalk
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The text of one walk; throws when the walk does not end within <paramref name="maxSteps"/>.</summary>
    public static string Run(ITokenConstraint constraint, TokenVocabulary vocabulary, int seed, int freeSteps = 24, int maxSteps = 400)
    {
        var random = new Random(seed);
        var matcher = (GrammarMatcher)constraint.Start();
        var logits = new float[vocabulary.LogitsSize];
        var text = new List<byte>();
        for (var step = 0; step < maxSteps; step++)
        {
            if (matcher.IsTerminated)
            {
                return StrictUtf8.GetString([.. text]);
            }

            // Heading for the end the logits' values do not matter, only the mask: zeros cost less than random draws.
            var isFinishing = step >= freeSteps;
            for (var i = 0; i < logits.Length; i++)
            {
                logits[i] = isFinishing ? 0 : random.NextSingle();
            }

            matcher.Mask(logits);
            var eos = vocabulary.EosTokenIds.FirstOrDefault(id => !float.IsNegativeInfinity(logits[id]), -1);
            var token = eos >= 0 && (isFinishing || random.Next(3) == 0) ? eos
                : isFinishing ? TowardsCompletion(matcher, vocabulary, logits)
                : ArgMax(logits);
            if (token < 0 || float.IsNegativeInfinity(logits[token]))
            {
                throw new InvalidOperationException($"Step {step}: no allowed token leads on from '{Encoding.UTF8.GetString([.. text])}'.");
            }

            if (!matcher.Accept(token))
            {
                throw new InvalidOperationException($"Step {step}: token {token} passed the mask but was refused after '{Encoding.UTF8.GetString([.. text])}'.");
            }

            if (vocabulary.IsEos(token))
            {
                return StrictUtf8.GetString([.. text]);
            }

            text.AddRange(vocabulary.Bytes(token).ToArray());
        }

        throw new InvalidOperationException($"The walk did not end in {maxSteps} steps: '{Encoding.UTF8.GetString([.. text])}'.");
    }

    private static int ArgMax(float[] logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static int TowardsCompletion(GrammarMatcher matcher, TokenVocabulary vocabulary, float[] logits)
    {
        var completion = matcher.ShortestCompletion() ?? throw new InvalidOperationException("No completion found.");
        var best = -1;
        for (var id = 0; id < logits.Length; id++)
        {
            var bytes = vocabulary.Bytes(id);
            if (!float.IsNegativeInfinity(logits[id]) && !vocabulary.IsEos(id) && completion.AsSpan().StartsWith(bytes)
                && (best < 0 || bytes.Length > vocabulary.Bytes(best).Length))
            {
                best = id;
            }
        }

        return best;
    }
}
