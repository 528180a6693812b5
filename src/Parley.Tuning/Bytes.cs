// Binary byte units, as GPU memory is sized and as people read it.
namespace Parley.Tuning;

/// <summary>Byte arithmetic and formatting in binary units.</summary>
public static class Bytes
{
    public const long MiB = 1L << 20;
    public const long GiB = 1L << 30;

    public static long FromMiB(double mib) => (long)(mib * MiB);

    public static double ToGiB(long bytes) => (double)bytes / GiB;

    /// <summary>Formats as GiB with one decimal: <c>15.0 GiB</c>.</summary>
    public static string FormatGiB(long bytes) => $"{ToGiB(bytes):0.0} GiB";
}
