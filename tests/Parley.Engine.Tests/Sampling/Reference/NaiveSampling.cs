// The slow twin of Parley.Engine.Sampling: every step written the obvious way, in double precision, with full sorts
// (vLLM's apply_top_k_top_p and the HF logits processors, transcribed). The fast kernels are tested against it.
namespace Parley.Engine.Tests.Sampling.Reference;

internal static class NaiveSampling
{
    /// <summary>Vocabulary sizes the tests cover: 1, odd, vector widths (8 and 16 floats) +- 1, 1000, Qwen2's 151,936.</summary>
    public static TheoryData<int> Lengths => [1, 7, 9, 15, 17, 1000, 151_936];

    public static float[] RandomLogits(int length, int seed, double scale = 4)
    {
        var random = new Random(seed);
        var logits = new float[length];
        for (var i = 0; i < length; i++)
            logits[i] = (float)(scale * (random.NextDouble() * 2 - 1) + (random.NextDouble() < 0.001 ? 8 : 0));
        return logits;
    }

    public static double[] LogSoftmax(float[] logits)
    {
        var max = logits.Max(x => (double)x);
        var logSum = Math.Log(logits.Sum(x => Math.Exp(x - max))) + max;
        return logits.Select(x => x - logSum).ToArray();
    }

    public static double[] Softmax(double[] logits)
    {
        var max = logits.Max();
        var exps = logits.Select(x => Math.Exp(x - max)).ToArray();
        var sum = exps.Sum();
        return exps.Select(e => e / sum).ToArray();
    }

    /// <summary>All ids, highest logit first, ties to the lower id.</summary>
    public static int[] Ranked(IReadOnlyList<float> logits) =>
        Enumerable.Range(0, logits.Count).OrderByDescending(i => logits[i]).ThenBy(i => i).ToArray();

    public static double[] Penalize(float[] logits, int[] prompt, int[] output, double repetition, double frequency, double presence)
    {
        var result = logits.Select(x => (double)x).ToArray();
        foreach (var token in prompt.Concat(output).Distinct())
            result[token] = result[token] > 0 ? result[token] / repetition : result[token] * repetition;
        foreach (var group in output.GroupBy(t => t))
            result[group.Key] -= frequency * group.Count() + presence;
        return result;
    }

    /// <summary>vLLM's min-p, then top-k, then top-p on temperature-scaled logits; the ids kept, ascending.</summary>
    public static int[] Kept(float[] scaled, double minP, int topK, double topP)
    {
        var ranked = Ranked(scaled).Where(i => !float.IsNegativeInfinity(scaled[i])).ToList();
        var max = (double)scaled[ranked[0]];
        ranked = ranked.Where(i => Math.Exp(scaled[i] - max) >= minP).ToList();
        if (topK > 0)
            ranked = ranked.Take(topK).ToList();
        if (topP < 1)
        {
            var probs = Softmax(ranked.Select(i => (double)scaled[i]).ToArray());
            var before = 0.0;
            var keep = 0;
            while (keep < ranked.Count && before < topP)
                before += probs[keep++];
            ranked = ranked.Take(keep).ToList();
        }

        return ranked.Order().ToArray();
    }
}
