// f16 and bf16 weights in panels of 16 rows, and the products of Native/panel_dot.cc over them. A panel holds its
// rows column by column: the 16 rows' weights of input k side by side (a last panel of fewer rows, `lanes` of them,
// the same way), so one 32-byte read is a column widened to float32 once for every token of a tile, where row-major
// weights are widened once for every 6 (Float16Dot, BFloat16WidenedDot). A panel takes exactly the bytes of its rows,
// so a matrix is rearranged in place, one panel at a time.
using Parley.Engine.Models;

namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>The 16-bit weight types a panel holds.</summary>
internal enum PanelDtype
{
    /// <summary>f16 weights times float32 activations.</summary>
    Float16,

    /// <summary>bf16 weights times activations rounded to bf16 (kept as float32), as every native bf16 product.</summary>
    BFloat16,
}

/// <summary>Native products of float32 activations and 16-bit weights stored in panels of <see cref="Lanes"/> rows.</summary>
internal static unsafe class WeightPanels
{
    /// <summary>Rows of a panel.</summary>
    public const int Lanes = 16;

    /// <summary>Most tokens per tile.</summary>
    public const int MaxTokens = 16;

    /// <summary>Most tokens a tile of two panels holds (<see cref="TilePair"/>).</summary>
    public const int MaxPairedTokens = 8;

    private static readonly delegate* unmanaged[SuppressGCTransition]<int, int, int, ushort*, int, float*, float*, long, int, uint, byte*, long, void> s_float16Tile;
    private static readonly delegate* unmanaged[SuppressGCTransition]<int, int, int, ushort*, int, float*, float*, long, int, uint, byte*, long, void> s_bfloat16Tile;
    private static readonly delegate* unmanaged[SuppressGCTransition]<int, ushort*, int, float*, float*, int, void> s_float16Gemv;
    private static readonly delegate* unmanaged[SuppressGCTransition]<int, ushort*, int, float*, float*, int, void> s_bfloat16Gemv;
    private static readonly delegate* unmanaged[SuppressGCTransition]<float*, float*, int, int, int, int, int, void> s_interleave;

    static WeightPanels()
    {
        var exports = NativeKernels.Open("parley_f16_supported", "AVX-512 (F, BW, VL)", out var status);
        Status = status;
        if (exports is not null)
        {
            s_float16Tile = (delegate* unmanaged[SuppressGCTransition]<int, int, int, ushort*, int, float*, float*, long, int, uint, byte*, long, void>)exports("parley_f16_panel_tile");
            s_bfloat16Tile = (delegate* unmanaged[SuppressGCTransition]<int, int, int, ushort*, int, float*, float*, long, int, uint, byte*, long, void>)exports("parley_bf16_panel_tile");
            s_float16Gemv = (delegate* unmanaged[SuppressGCTransition]<int, ushort*, int, float*, float*, int, void>)exports("parley_f16_panel_gemv");
            s_bfloat16Gemv = (delegate* unmanaged[SuppressGCTransition]<int, ushort*, int, float*, float*, int, void>)exports("parley_bf16_panel_gemv");
            s_interleave = (delegate* unmanaged[SuppressGCTransition]<float*, float*, int, int, int, int, int, void>)exports("parley_panel_interleave");
            IsAvailable = true;
        }
    }

    /// <summary>True when the library is loaded and the CPU runs it.</summary>
    public static bool IsAvailable { get; }

    /// <summary>Why the products do or do not use it, for the start-up log.</summary>
    public static string Status { get; }

    /// <summary>Rows of the panel that holds <paramref name="row"/> of a matrix of <paramref name="rows"/> rows.</summary>
    public static int LanesOf(int row, int rows) => Math.Min(Lanes, rows - row / Lanes * Lanes);

    /// <summary>Rearranges a row-major [<paramref name="rows"/>, <paramref name="columns"/>] matrix into panels, in
    /// place, the panels split between the thread pool's threads (a load-time pass over every weight).</summary>
    public static void Pack(ushort* w, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        var matrix = (nint)w;
        Parallel.For(0, (rows + Lanes - 1) / Lanes, () => new ushort[Lanes * columns], (panel, _, scratch) =>
        {
            var first = panel * Lanes;
            var lanes = LanesOf(first, rows);
            var start = (ushort*)matrix + (long)first * columns;
            new ReadOnlySpan<ushort>(start, lanes * columns).CopyTo(scratch);
            for (var k = 0; k < columns; k++)
            {
                var column = start + (long)k * lanes;
                for (var i = 0; i < lanes; i++)
                {
                    column[i] = scratch[i * columns + k];
                }
            }

            return scratch;
        }, _ => { });
    }

    /// <summary>Token tiles of a product of <paramref name="tokenCount"/> tokens: as few as hold at most
    /// <see cref="MaxTokens"/> each, of near-equal size, the larger first.</summary>
    public static int TileCount(int tokenCount) => (tokenCount + MaxTokens - 1) / MaxTokens;

    /// <summary>The first token of tile <paramref name="tile"/> of a product of <paramref name="tokenCount"/> tokens,
    /// and in <paramref name="count"/> its tokens.</summary>
    public static int TileTokens(int tokenCount, int tile, out int count)
    {
        var tiles = TileCount(tokenCount);
        int size = tokenCount / tiles, larger = tokenCount % tiles;
        count = size + (tile < larger ? 1 : 0);
        return tile * size + Math.Min(tile, larger);
    }

    /// <summary>Writes inputs [<paramref name="begin"/>, <paramref name="end"/>) of x ([tokenCount, length]) into
    /// <paramref name="destination"/> as the tiles read them: each token tile's activations of one input side by side
    /// (a tile of n tokens from its first token t0: x[t, k] at (t0·length + k·n + t - t0)), so that a tile reads one
    /// address a step for all its tokens; with <paramref name="round"/>, rounded to bf16 (ties to even), kept as float32.</summary>
    public static void Interleave(float* x, float* destination, int length, int tokenCount, int begin, int end, bool round)
    {
        Require();
        ArgumentOutOfRangeException.ThrowIfNegative(begin);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, length);
        for (var tile = 0; tile < TileCount(tokenCount); tile++)
        {
            var first = TileTokens(tokenCount, tile, out var count);
            s_interleave(x + (long)first * length, destination + (long)first * length, length, count, begin, end, round ? 1 : 0);
        }
    }

    /// <summary>Row <paramref name="row"/> of a packed [<paramref name="rows"/>, <paramref name="columns"/>] matrix, widened.</summary>
    public static void WidenRow(PanelDtype dtype, ushort* w, int rows, int columns, int row, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)rows, nameof(row));
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, columns, nameof(destination));
        var lanes = LanesOf(row, rows);
        var column = w + (long)(row / Lanes * Lanes) * columns + row % Lanes;
        for (var k = 0; k < columns; k++)
        {
            var bits = column[(long)k * lanes];
            destination[k] = dtype == PanelDtype.Float16 ? (float)BitConverter.UInt16BitsToHalf(bits) : BFloat16Bits.Value(bits);
        }
    }

    /// <summary>y[t·yStride + i] = (or +=) Σ_k panel[k·lanes + i]·x[k·tokens + t] for the lanes i set in
    /// <paramref name="stored"/> and tokens t &lt; <paramref name="tokens"/> (x one tile's activations, interleaved);
    /// meanwhile <paramref name="prefetchBytes"/> from <paramref name="prefetch"/> come into L2 (the next block), or,
    /// with prefetch null, the panels after this one.</summary>
    public static void Tile(PanelDtype dtype, int lanes, int tokens, ushort* panel, int length, float* x, float* y, long yStride, bool accumulate, uint stored,
        byte* prefetch = null, long prefetchBytes = 0)
    {
        Require();
        if (lanes is < 1 or > Lanes || tokens is < 1 or > MaxTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), $"A panel tile holds 1 to {Lanes} rows and 1 to {MaxTokens} tokens, not {lanes} and {tokens}.");
        }

        (dtype == PanelDtype.Float16 ? s_float16Tile : s_bfloat16Tile)(1, lanes, tokens, panel, length, x, y, yStride, accumulate ? 1 : 0, stored & ((1u << lanes) - 1), prefetch, prefetch == null ? 0 : prefetchBytes);
    }

    /// <summary>As <see cref="Tile"/> over two full panels from <paramref name="panels"/> (32 rows, every one stored)
    /// and at most <see cref="MaxPairedTokens"/> tokens: a few tokens hold too few sums to hide the multiply-adds'
    /// latency, and two panels hold twice as many, each still added input after input.</summary>
    public static void TilePair(PanelDtype dtype, int tokens, ushort* panels, int length, float* x, float* y, long yStride, bool accumulate, byte* prefetch = null, long prefetchBytes = 0)
    {
        Require();
        if (tokens is < 1 or > MaxPairedTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), $"A tile of two panels holds 1 to {MaxPairedTokens} tokens, not {tokens}.");
        }

        (dtype == PanelDtype.Float16 ? s_float16Tile : s_bfloat16Tile)(2, Lanes, tokens, panels, length, x, y, yStride, accumulate ? 1 : 0, 0xFFFF, prefetch, prefetch == null ? 0 : prefetchBytes);
    }

    /// <summary>One token's product over <paramref name="panelCount"/> full panels from <paramref name="w"/>:
    /// y[p·16 + i] = (or +=) Σ_k w[p][k][i]·x[k].</summary>
    public static void Gemv(PanelDtype dtype, int panelCount, ushort* w, int length, float* x, float* y, bool accumulate)
    {
        Require();
        ArgumentOutOfRangeException.ThrowIfNegative(panelCount);
        (dtype == PanelDtype.Float16 ? s_float16Gemv : s_bfloat16Gemv)(panelCount, w, length, x, y, accumulate ? 1 : 0);
    }

    private static void Require() => NativeKernels.Require(IsAvailable, "panel", Status);
}
