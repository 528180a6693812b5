// A GPTQ checkpoint's layers as the dense weights its packing stands for: what the dequantised twins of the GPTQ
// tests are written from. The packed parts (.qweight, .qzeros, .scales, .g_idx) of one layer become its .weight.
using System.Runtime.InteropServices;
using Parley.Engine.Models;

namespace Parley.Testing.Models;

/// <summary>Dequantises one GPTQ layer of a checkpoint.</summary>
public static class GptqDequantized
{
    /// <summary>Whether the tensor is one of the parts a layer's .qweight is dequantised with (and so has no twin of its own).</summary>
    public static bool IsPackingPart(string name) =>
        name.EndsWith(".qzeros", StringComparison.Ordinal) || name.EndsWith(".scales", StringComparison.Ordinal) || name.EndsWith(".g_idx", StringComparison.Ordinal);

    /// <summary>For a <c>.qweight</c> tensor: the layer's dense [rows, columns] weight under its <c>.weight</c> name; null for any other tensor.</summary>
    public static (string Name, int Rows, int Columns, float[] Values)? Layer(Checkpoint checkpoint, TensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(tensor);
        if (!tensor.Name.EndsWith(".qweight", StringComparison.Ordinal))
        {
            return null;
        }

        var prefix = tensor.Name[..^".qweight".Length];
        int rows = (int)tensor.Shape[1], columns = (int)tensor.Shape[0] * 8;
        var packed = new GptqTensors(Ints(checkpoint, prefix + ".qweight"), Ints(checkpoint, prefix + ".qzeros"),
            MemoryMarshal.Cast<byte, Half>(checkpoint.Bytes(prefix + ".scales")).ToArray(), Ints(checkpoint, prefix + ".g_idx"));
        return (prefix + ".weight", rows, columns, GptqPacker.Dequantize(packed, rows, columns));
    }

    private static int[] Ints(Checkpoint checkpoint, string name) => MemoryMarshal.Cast<byte, int>(checkpoint.Bytes(name)).ToArray();
}
