// The scalar twin of BFloat16WidenedDot.RoundSplit's layout, for tests that hand the widened bf16 tiles their input.
namespace Parley.Engine.Tests.Backends.Cpu;

internal static class SplitActivations
{
    /// <summary><paramref name="tokens"/> rows of <paramref name="length"/> values in split order: each row padded with
    /// zeros to a multiple of 32, and per 32 the 16 values at even positions, then the 16 at odd ones.</summary>
    public static float[] Of(float[] values, int length, int tokens)
    {
        var stride = (length + 31) / 32 * 32;
        var split = new float[tokens * stride];
        for (var t = 0; t < tokens; t++)
        {
            for (var i = 0; i < length; i++)
            {
                var chunk = i / 32 * 32;
                var within = i - chunk;
                split[t * stride + chunk + (within % 2 == 0 ? within / 2 : 16 + within / 2)] = values[t * length + i];
            }
        }

        return split;
    }
}
