// Round-to-nearest 4-bit quantisation into GPTQ's packed layout (LinearWeight.cs): what the tiny-model builder uses to
// write GPTQ checkpoints with real tensor names, shapes and packing, without GPTQ's Hessian-guided rounding (which
// changes which values are chosen, not how they are stored). With act order the groups follow a random permutation of
// the inputs, as desc_act checkpoints' g_idx does.
namespace Parley.Engine.Models;

/// <summary>One weight in GPTQ form.</summary>
public sealed record GptqTensors(int[] QWeight, int[] QZeros, Half[] Scales, int[] GroupIndex);

/// <summary>Quantises dense weights to GPTQ 4-bit.</summary>
public static class GptqPacker
{
    /// <summary>Quantises a dense weight.</summary>
    /// <param name="weights">[rows, columns] row-major.</param>
    /// <param name="rows">Outputs; a multiple of 8.</param>
    /// <param name="columns">Inputs; a multiple of 8 and of the group size.</param>
    /// <param name="groupSize">Inputs per scale, or -1 for one group.</param>
    /// <param name="symmetric">Zero point fixed at 8, or fitted per group and output.</param>
    /// <param name="actOrder">Assign inputs to groups in a random order (desc_act).</param>
    /// <param name="random">Draws the act order.</param>
    public static GptqTensors Quantize(float[] weights, int rows, int columns, int groupSize, bool symmetric, bool actOrder, Random random)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(random);
        var size = groupSize > 0 ? groupSize : columns;
        var groups = columns / size;
        var order = Enumerable.Range(0, columns).ToArray();
        if (actOrder)
        {
            random.Shuffle(order);
        }

        var groupIndex = new int[columns];
        for (var position = 0; position < columns; position++)
        {
            groupIndex[order[position]] = position / size;
        }

        var qweight = new int[columns / 8 * rows];
        var qzeros = new int[groups * (rows / 8)];
        var scales = new Half[groups * rows];
        for (var g = 0; g < groups; g++)
        {
            var members = order[(g * size)..((g + 1) * size)];
            for (var r = 0; r < rows; r++)
            {
                var (scale, zero) = Fit(members.Select(c => weights[(long)r * columns + c]), symmetric);
                scales[g * rows + r] = (Half)scale;
                var stored = (float)scales[g * rows + r];
                qzeros[g * (rows / 8) + r / 8] |= (zero - 1) << (4 * (r % 8));
                foreach (var c in members)
                {
                    var q = Math.Clamp((int)MathF.Round(weights[(long)r * columns + c] / stored) + zero, 0, 15);
                    qweight[c / 8 * rows + r] |= q << (4 * (c % 8));
                }
            }
        }

        return new GptqTensors(qweight, qzeros, scales, groupIndex);
    }

    /// <summary>The weights a GPTQ tensor set stands for, [rows, columns] (the reference the kernels are tested against).</summary>
    public static float[] Dequantize(GptqTensors tensors, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var weights = new float[(long)rows * columns];
        for (var c = 0; c < columns; c++)
        {
            var g = tensors.GroupIndex[c];
            for (var r = 0; r < rows; r++)
            {
                var q = (tensors.QWeight[c / 8 * rows + r] >>> (4 * (c % 8))) & 0xF;
                var zero = ((tensors.QZeros[g * (rows / 8) + r / 8] >>> (4 * (r % 8))) & 0xF) + 1;
                weights[(long)r * columns + c] = (float)tensors.Scales[g * rows + r] * (q - zero);
            }
        }

        return weights;
    }

    // Zero points stay in [1, 15] because the format stores them minus one in four bits.
    private static (float Scale, int Zero) Fit(IEnumerable<float> values, bool symmetric)
    {
        var list = values.ToList();
        if (symmetric)
        {
            var largest = list.Max(MathF.Abs);
            return (largest > 0 ? largest / 7 : 1, 8);
        }

        float min = Math.Min(0, list.Min()), max = Math.Max(0, list.Max());
        var scale = max > min ? (max - min) / 15 : 1;
        return (scale, Math.Clamp((int)MathF.Round(-min / scale), 1, 15));
    }
}
