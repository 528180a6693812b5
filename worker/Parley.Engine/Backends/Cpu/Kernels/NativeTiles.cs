// The native tile families as types, so that DenseLinear's loop over blocks, token tiles and row tiles is written once
// and compiled once per family: bf16 weights read activations rounded to bf16 (as bf16 for VDPBF16PS, as float32 for
// the widened tiles), f16 weights read them as float32.
namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>A family of native tiles over 16-bit weights.</summary>
internal unsafe interface INativeTiles
{
    /// <summary>Bytes of one activation as the tiles read it.</summary>
    static abstract int ActivationBytes { get; }

    /// <summary>Activations from one token's to the next as the tiles read them, for rows of <paramref name="length"/>.</summary>
    static abstract int ActivationStride(int length);

    /// <summary>A tile of 1 to 4 rows by 1 to 6 tokens (BFloat16Dot.Tile, Float16Dot.Tile), bringing
    /// <paramref name="prefetchBytes"/> from <paramref name="prefetch"/> into L2 as it computes, or its own rows ahead
    /// of its reads where <paramref name="prefetch"/> is null; with <paramref name="partial"/> set, over one segment of
    /// its rows, its sums carried in <paramref name="partial"/> (<see cref="RowSegment"/>).</summary>
    static abstract void Tile(int rows, int tokens, ushort* w, long wStride, byte* x, long xStride, int length, float* y, long yStride, bool accumulate, byte* prefetch, long prefetchBytes,
        float* partial, RowSegment segment);

    /// <summary>One token's product, row after row.</summary>
    static abstract void Gemv(int rows, ushort* w, long wStride, byte* x, int length, float* y, bool accumulate);
}

internal readonly unsafe struct BFloat16Tiles : INativeTiles
{
    public static int ActivationBytes => sizeof(ushort);

    public static int ActivationStride(int length) => length;

    public static void Tile(int rows, int tokens, ushort* w, long wStride, byte* x, long xStride, int length, float* y, long yStride, bool accumulate, byte* prefetch, long prefetchBytes,
        float* partial, RowSegment segment) =>
        BFloat16Dot.Tile(rows, tokens, w, wStride, (ushort*)x, xStride, length, y, yStride, accumulate, prefetch, prefetchBytes, partial, segment);

    public static void Gemv(int rows, ushort* w, long wStride, byte* x, int length, float* y, bool accumulate) =>
        BFloat16Dot.Gemv(rows, w, wStride, (ushort*)x, length, y, accumulate);
}

internal readonly unsafe struct BFloat16WidenedTiles : INativeTiles
{
    public static int ActivationBytes => sizeof(float);

    public static int ActivationStride(int length) => BFloat16WidenedDot.Stride(length);

    public static void Tile(int rows, int tokens, ushort* w, long wStride, byte* x, long xStride, int length, float* y, long yStride, bool accumulate, byte* prefetch, long prefetchBytes,
        float* partial, RowSegment segment) =>
        BFloat16WidenedDot.Tile(rows, tokens, w, wStride, (float*)x, xStride, length, y, yStride, accumulate, prefetch, prefetchBytes, partial, segment);

    public static void Gemv(int rows, ushort* w, long wStride, byte* x, int length, float* y, bool accumulate) =>
        BFloat16WidenedDot.Gemv(rows, w, wStride, (float*)x, length, y, accumulate);
}

internal readonly unsafe struct Float16Tiles : INativeTiles
{
    public static int ActivationBytes => sizeof(float);

    public static int ActivationStride(int length) => length;

    public static void Tile(int rows, int tokens, ushort* w, long wStride, byte* x, long xStride, int length, float* y, long yStride, bool accumulate, byte* prefetch, long prefetchBytes,
        float* partial, RowSegment segment) =>
        Float16Dot.Tile(rows, tokens, w, wStride, (float*)x, xStride, length, y, yStride, accumulate, prefetch, prefetchBytes, partial, segment);

    public static void Gemv(int rows, ushort* w, long wStride, byte* x, int length, float* y, bool accumulate) =>
        Float16Dot.Gemv(rows, w, wStride, (float*)x, length, y, accumulate);
}
