// The f16 products of Native/f16_dot.cc: f16 weights widened by VCVTPH2PS, times float32 activations, with float32
// fused multiply-adds; the same arithmetic as the managed kernels, which widen f16 in four vector operations and so
// widen whole blocks into scratch before their tiles (DenseLinear). Where the library is missing or the CPU lacks
// AVX-512, IsAvailable is false and the managed kernels compute every f16 product.
namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>Native f16·f32 tiles with float32 sums.</summary>
internal static unsafe class Float16Dot
{
    private static readonly delegate* unmanaged[SuppressGCTransition]<int, int, ushort*, long, float*, long, int, float*, long, int, byte*, long, float*, int, void> s_tile;
    private static readonly delegate* unmanaged[SuppressGCTransition]<int, ushort*, long, float*, int, float*, int, void> s_gemv;

    static Float16Dot()
    {
        var exports = NativeKernels.Open("parley_f16_supported", "AVX-512 (F, BW, VL)", out var status);
        Status = status;
        if (exports is not null)
        {
            s_tile = (delegate* unmanaged[SuppressGCTransition]<int, int, ushort*, long, float*, long, int, float*, long, int, byte*, long, float*, int, void>)exports("parley_f16_tile");
            s_gemv = (delegate* unmanaged[SuppressGCTransition]<int, ushort*, long, float*, int, float*, int, void>)exports("parley_f16_gemv");
            IsAvailable = true;
        }
    }

    /// <summary>True when the library is loaded and the CPU runs it.</summary>
    public static bool IsAvailable { get; }

    /// <summary>Why the products do or do not use it, for the start-up log.</summary>
    public static string Status { get; }

    /// <summary>y[t·yStride + r] = (or +=) Σ_i w[r·wStride + i]·x[t·xStride + i] for rows r &lt; <paramref name="rows"/>
    /// and tokens t &lt; <paramref name="tokens"/>; strides in elements.
    /// Meanwhile prefetchBytes from prefetch come into L2, spread over the tile's steps (the next block of rows); with
    /// prefetch null, the tile's own rows ahead of its reads (rows lie end to end, so those of the tiles after it).
    /// With partial set, the tile covers one segment of its rows and carries its sums there (RowSegment).</summary>
    public static void Tile(int rows, int tokens, ushort* w, long wStride, float* x, long xStride, int length, float* y, long yStride, bool accumulate, byte* prefetch = null, long prefetchBytes = 0,
        float* partial = null, RowSegment segment = RowSegment.Whole)
    {
        Require();
        NativeKernels.RequireTileShape(rows, tokens);
        s_tile(rows, tokens, w, wStride, x, xStride, length, y, yStride, accumulate ? 1 : 0, prefetch, prefetch == null ? 0 : prefetchBytes, partial, (int)segment);
    }

    /// <summary>y[r] = (or +=) Σ_i w[r·wStride + i]·x[i] for rows r &lt; <paramref name="rows"/>, one row after another.</summary>
    public static void Gemv(int rows, ushort* w, long wStride, float* x, int length, float* y, bool accumulate)
    {
        Require();
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        s_gemv(rows, w, wStride, x, length, y, accumulate ? 1 : 0);
    }

    private static void Require() => NativeKernels.Require(IsAvailable, "f16", Status);
}
