// The AVX-512 BF16 products of Native/bf16_dot.cc: bf16 weights times activations rounded to bf16, two products per
// float32 lane per instruction (VDPBF16PS). Where the library is missing or the CPU lacks AVX-512 BF16, IsAvailable is
// false and the widened kernel (BFloat16WidenedDot) or, without AVX-512, the managed float32 kernels (TileDot, RowDot)
// compute every bf16 product instead; where VDPBF16PS is slower than widening (Speedup), the widened kernel does too.
namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>Native bf16·bf16 tiles with float32 sums.</summary>
internal static unsafe class BFloat16Dot
{
    private static readonly delegate* unmanaged[SuppressGCTransition]<float*, ushort*, long, void> s_round;
    private static readonly delegate* unmanaged[SuppressGCTransition]<int, int, ushort*, long, ushort*, long, int, float*, long, int, byte*, long, float*, int, void> s_tile;
    private static readonly delegate* unmanaged[SuppressGCTransition]<int, ushort*, long, ushort*, int, float*, int, void> s_gemv;
    private static readonly Lazy<double>? s_speedup;

    static BFloat16Dot()
    {
        var exports = NativeKernels.Open("parley_bf16_supported", "AVX-512 BF16", out var status);
        Status = status;
        if (exports is not null)
        {
            s_round = (delegate* unmanaged[SuppressGCTransition]<float*, ushort*, long, void>)exports("parley_bf16_round");
            s_tile = (delegate* unmanaged[SuppressGCTransition]<int, int, ushort*, long, ushort*, long, int, float*, long, int, byte*, long, float*, int, void>)exports("parley_bf16_tile");
            s_gemv = (delegate* unmanaged[SuppressGCTransition]<int, ushort*, long, ushort*, int, float*, int, void>)exports("parley_bf16_gemv");
            var speedup = (delegate* unmanaged<double>)exports("parley_bf16_dot_speedup");
            s_speedup = new Lazy<double>(() => speedup());
            IsAvailable = true;
        }
    }

    /// <summary>True when the library is loaded and the CPU runs it.</summary>
    public static bool IsAvailable { get; }

    /// <summary>Why the products do or do not use it, for the start-up log.</summary>
    public static string Status { get; }

    /// <summary>VDPBF16PS's floating-point rate over float32 fused multiply-adds on this core, timed once (about 1 ms):
    /// near 2 on AMD Zen 4, near 0.5 on Intel Sapphire and Emerald Rapids, where widening the weights is faster.</summary>
    public static double Speedup
    {
        get
        {
            Require();
            return s_speedup!.Value;
        }
    }

    /// <summary>destination[i] = source[i] rounded to the nearest bf16 (ties to even).</summary>
    public static void Round(float* source, ushort* destination, long count)
    {
        Require();
        s_round(source, destination, count);
    }

    /// <summary>y[t·yStride + r] = (or +=) Σ_i w[r·wStride + i]·x[t·xStride + i] for rows r &lt; <paramref name="rows"/>
    /// and tokens t &lt; <paramref name="tokens"/>; strides in elements.
    /// Meanwhile prefetchBytes from prefetch come into L2, spread over the tile's steps (the next block of rows); with
    /// prefetch null, the tile's own rows ahead of its reads (rows lie end to end, so those of the tiles after it).
    /// With partial set, the tile covers one segment of its rows and carries its sums there (RowSegment).</summary>
    public static void Tile(int rows, int tokens, ushort* w, long wStride, ushort* x, long xStride, int length, float* y, long yStride, bool accumulate, byte* prefetch = null, long prefetchBytes = 0,
        float* partial = null, RowSegment segment = RowSegment.Whole)
    {
        Require();
        NativeKernels.RequireTileShape(rows, tokens);
        s_tile(rows, tokens, w, wStride, x, xStride, length, y, yStride, accumulate ? 1 : 0, prefetch, prefetch == null ? 0 : prefetchBytes, partial, (int)segment);
    }

    /// <summary>y[r] = (or +=) Σ_i w[r·wStride + i]·x[i] for rows r &lt; <paramref name="rows"/>, one row after another.</summary>
    public static void Gemv(int rows, ushort* w, long wStride, ushort* x, int length, float* y, bool accumulate)
    {
        Require();
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        s_gemv(rows, w, wStride, x, length, y, accumulate ? 1 : 0);
    }

    private static void Require() => NativeKernels.Require(IsAvailable, "bf16", Status);
}
