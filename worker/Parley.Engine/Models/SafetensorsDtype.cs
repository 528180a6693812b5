// Element types a safetensors header names, and their sizes.
namespace Parley.Engine.Models;

/// <summary>Tensor element types of the safetensors format.</summary>
public enum SafetensorsDtype
{
    F32,
    F16,
    BF16,
    I64,
    I32,
    I16,
    I8,
    U8,
    Bool,
    F64,
}

/// <summary>Names and sizes of <see cref="SafetensorsDtype"/>.</summary>
public static class SafetensorsDtypes
{
    public static int ElementSize(this SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.F64 or SafetensorsDtype.I64 => 8,
        SafetensorsDtype.F32 or SafetensorsDtype.I32 => 4,
        SafetensorsDtype.F16 or SafetensorsDtype.BF16 or SafetensorsDtype.I16 => 2,
        _ => 1,
    };

    /// <summary>Bytes of a tensor of this dtype and <paramref name="shape"/>.</summary>
    public static long ByteCount(this SafetensorsDtype dtype, IEnumerable<long> shape) =>
        shape.Aggregate(1L, (total, dimension) => total * dimension) * dtype.ElementSize();

    /// <summary>The header's spelling (<c>BF16</c>, <c>BOOL</c>).</summary>
    public static string Name(this SafetensorsDtype dtype) => dtype == SafetensorsDtype.Bool ? "BOOL" : dtype.ToString().ToUpperInvariant();

    public static bool TryParse(string name, out SafetensorsDtype dtype)
    {
        foreach (var candidate in Enum.GetValues<SafetensorsDtype>())
        {
            if (candidate.Name() == name)
            {
                dtype = candidate;
                return true;
            }
        }

        dtype = default;
        return false;
    }
}
