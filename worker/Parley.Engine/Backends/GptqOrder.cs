// Act-order (desc_act) GPTQ checkpoints number their groups in a permuted input order. Sorting the packed input rows by
// group makes every run of group_size rows one group again, which is what the kernels assume; inputOrder[sorted]
// says which activation column a sorted row multiplies. In-order checkpoints get the identity and keep their bytes.
// Both backends use it: the CPU reads the sorted rows in place, the CUDA backend uploads them.
using Parley.Engine.Models;

namespace Parley.Engine.Backends;

internal static class GptqOrder
{
    /// <summary>Input indices sorted (stably) by group.</summary>
    /// <exception cref="InvalidDataException">A group holds more than group_size inputs or is out of range.</exception>
    public static int[] InputOrder(GptqWeight weight, ReadOnlySpan<int> groupIndex)
    {
        var groups = (int)(weight.InFeatures / weight.GroupSize);
        var counts = new int[groups];
        foreach (var group in groupIndex)
        {
            if ((uint)group >= (uint)groups || ++counts[group] > weight.GroupSize)
            {
                throw new InvalidDataException($"Tensor '{weight.GroupIndex.Name}' puts more than {weight.GroupSize} inputs in group {group}, or names a group outside 0 to {groups - 1}.");
            }
        }

        var keys = groupIndex.ToArray();
        return [.. Enumerable.Range(0, keys.Length).OrderBy(input => keys[input])];
    }

    public static bool IsIdentity(int[] order) => order.Select((input, index) => input == index).All(inOrder => inOrder);

    /// <summary>qweight with its 4-bit input rows moved into <paramref name="order"/>; pinned, so a CPU kernel may
    /// hold its address.</summary>
    public static uint[] Repack(ReadOnlySpan<uint> qweight, int[] order, int outFeatures)
    {
        var sorted = GC.AllocateArray<uint>(qweight.Length, pinned: true);
        for (var row = 0; row < order.Length; row++)
        {
            var original = order[row];
            int from = original / 8 * outFeatures, to = row / 8 * outFeatures, shiftFrom = 4 * (original % 8), shiftTo = 4 * (row % 8);
            for (var o = 0; o < outFeatures; o++)
            {
                sorted[to + o] |= ((qweight[from + o] >> shiftFrom) & 0xF) << shiftTo;
            }
        }

        return sorted;
    }
}
