// The bf16 products of Native/bf16_widened_dot.cc: bf16 weights widened to float32 times activations rounded to bf16
// and held as float32, with float32 fused multiply-adds. The same products as BFloat16Dot's VDPBF16PS in another
// summation order, for CPUs where that instruction runs at half the multiply-add rate (BFloat16Dot.Speedup) or is
// missing. The tiles read the activations in the split order RoundSplit writes. Where the library is missing or the
// CPU lacks AVX-512, IsAvailable is false.
namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>Native bf16·f32 tiles over activations rounded to bf16, with float32 sums.</summary>
internal static unsafe class BFloat16WidenedDot
{
    private static readonly delegate* unmanaged[SuppressGCTransition]<float*, float*, long, long, void> s_round;
    private static readonly delegate* unmanaged[SuppressGCTransition]<int, int, ushort*, long, float*, long, int, float*, long, int, byte*, long, float*, int, void> s_tile;
    private static readonly delegate* unmanaged[SuppressGCTransition]<int, ushort*, long, float*, int, float*, int, void> s_gemv;

    static BFloat16WidenedDot()
    {
        var exports = NativeKernels.Open("parley_bf16_widened_supported", "AVX-512 (F, BW, VL)", out var status);
        Status = status;
        if (exports is not null)
        {
            s_round = (delegate* unmanaged[SuppressGCTransition]<float*, float*, long, long, void>)exports("parley_bf16_round_split");
            s_tile = (delegate* unmanaged[SuppressGCTransition]<int, int, ushort*, long, float*, long, int, float*, long, int, byte*, long, float*, int, void>)exports("parley_bf16_widened_tile");
            s_gemv = (delegate* unmanaged[SuppressGCTransition]<int, ushort*, long, float*, int, float*, int, void>)exports("parley_bf16_widened_gemv");
            IsAvailable = true;
        }
    }

    /// <summary>True when the library is loaded and the CPU runs it.</summary>
    public static bool IsAvailable { get; }

    /// <summary>Why the products do or do not use it, for the start-up log.</summary>
    public static string Status { get; }

    /// <summary>Floats of one token's activations as the tiles read them: <paramref name="length"/> rounded up to 32.</summary>
    public static int Stride(int length) => (length + 31) / 32 * 32;

    /// <summary>Each of <paramref name="tokens"/> rows of <paramref name="length"/> floats rounded to the nearest bf16
    /// (ties to even; NaN stays NaN), as float32, into rows of <see cref="Stride"/> floats: per 32 values, the 16 at even
    /// positions then the 16 at odd ones, zeros past the end of the row.</summary>
    public static void RoundSplit(float* source, float* destination, long length, long tokens)
    {
        Require();
        s_round(source, destination, length, tokens);
    }

    /// <summary>y[t·yStride + r] = (or +=) Σ_i w[r·wStride + i]·x[t·xStride + i] for rows r &lt; <paramref name="rows"/>
    /// and tokens t &lt; <paramref name="tokens"/>, x as RoundSplit writes it; strides in elements.
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

    /// <summary>y[r] = (or +=) Σ_i w[r·wStride + i]·x[i] for rows r &lt; <paramref name="rows"/>, one row after another, x
    /// as RoundSplit writes it.</summary>
    public static void Gemv(int rows, ushort* w, long wStride, float* x, int length, float* y, bool accumulate)
    {
        Require();
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        s_gemv(rows, w, wStride, x, length, y, accumulate ? 1 : 0);
    }

    private static void Require() => NativeKernels.Require(IsAvailable, "widened bf16", Status);
}
