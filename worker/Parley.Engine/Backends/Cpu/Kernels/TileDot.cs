// The register-blocked micro-kernel of every dense product with more than one token (prefill, chunked prefill,
// batched decode, the logits of several sequences): a tile of 4 weight rows x up to 6 tokens, whose 24 sums are
// 24 AVX-512 accumulators held in registers over the whole reduction (32 zmm registers: 24 sums, 4 widened weight
// vectors, one activation vector). Each step widens 16 weights of each row once and reads 16 activations of each
// token once, so one weight load feeds 6 tokens and one activation load feeds 4 rows: 24 fused multiply-adds per
// 10 loads, where a row of dot products (RowDot.Four) gets 4 per 5 and widens every weight vector once per 4 tokens.
// The 16 lanes of each accumulator are summed only at the end, four rows of one token at a time with horizontal adds
// into one 128-bit store. The caller (DenseLinear) orders tiles so that a block of weight rows stays in L2 while the
// token tiles pass it.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>Products of 4 weight rows with up to 6 activation rows.</summary>
internal static unsafe class TileDot
{
    /// <summary>Weight rows per tile.</summary>
    public const int Rows = 4;

    /// <summary>Most tokens per tile.</summary>
    public const int MaxTokens = 6;

    /// <summary>True where the tile fits the CPU's registers (32 AVX-512 registers); elsewhere it computes the same
    /// sums in emulated vectors, slowly, and DenseLinear uses RowDot instead.</summary>
    public static bool IsFast => Vector512.IsHardwareAccelerated && Avx.IsSupported;

    /// <summary>y[t·yStride + j] = (or +=) Σ_i W[j][i]·x[t·xStride + i] for rows j &lt; 4 and tokens t &lt; <paramref name="tokens"/>.</summary>
    /// <param name="tokens">1 to <see cref="MaxTokens"/>.</param>
    /// <param name="w">The first of 4 weight rows, <paramref name="rowBytes"/> apart.</param>
    /// <param name="rowBytes">Bytes between weight rows.</param>
    /// <param name="x">The first token's activations, <paramref name="xStride"/> floats apart.</param>
    /// <param name="xStride">Floats between tokens' activations.</param>
    /// <param name="length">Elements per row.</param>
    /// <param name="y">The first token's 4 outputs; each token's <paramref name="yStride"/> floats further.</param>
    /// <param name="yStride">Floats between tokens' outputs.</param>
    /// <param name="accumulate">Add to y instead of overwriting it.</param>
    public static void Multiply<TRow>(int tokens, byte* w, long rowBytes, float* x, int xStride, int length, float* y, int yStride, bool accumulate)
        where TRow : struct, IWeightRow
    {
        switch (tokens)
        {
            case 6: Multiply<TRow, SixTokens>(w, rowBytes, x, xStride, length, y, yStride, accumulate); break;
            case 5: Multiply<TRow, FiveTokens>(w, rowBytes, x, xStride, length, y, yStride, accumulate); break;
            case 4: Multiply<TRow, FourTokens>(w, rowBytes, x, xStride, length, y, yStride, accumulate); break;
            case 3: Multiply<TRow, ThreeTokens>(w, rowBytes, x, xStride, length, y, yStride, accumulate); break;
            case 2: Multiply<TRow, TwoTokens>(w, rowBytes, x, xStride, length, y, yStride, accumulate); break;
            case 1: Multiply<TRow, OneToken>(w, rowBytes, x, xStride, length, y, yStride, accumulate); break;
            default: throw new ArgumentOutOfRangeException(nameof(tokens), tokens, $"A tile holds 1 to {MaxTokens} tokens.");
        }
    }

    // Accumulator cRT holds row R, token T. Pointers past the tile's tokens are formed but never read.
    private static void Multiply<TRow, TTokens>(byte* w, long rowBytes, float* x, int xStride, int length, float* y, int yStride, bool accumulate)
        where TRow : struct, IWeightRow
        where TTokens : struct, ITokenCount
    {
        var n = TTokens.Count;
        byte* w0 = w, w1 = w + rowBytes, w2 = w + 2 * rowBytes, w3 = w + 3 * rowBytes;
        float* x0 = x, x1 = x + xStride, x2 = x + 2 * xStride, x3 = x + 3 * xStride, x4 = x + 4 * xStride, x5 = x + 5 * xStride;
        Vector512<float> c00 = default, c10 = default, c20 = default, c30 = default, c01 = default, c11 = default, c21 = default, c31 = default;
        Vector512<float> c02 = default, c12 = default, c22 = default, c32 = default, c03 = default, c13 = default, c23 = default, c33 = default;
        Vector512<float> c04 = default, c14 = default, c24 = default, c34 = default, c05 = default, c15 = default, c25 = default, c35 = default;
        var i = 0;
        for (; i <= length - 16; i += 16)
        {
            Vector512<float> v0 = TRow.Load16(w0, i), v1 = TRow.Load16(w1, i), v2 = TRow.Load16(w2, i), v3 = TRow.Load16(w3, i);
            var a = Vector512.Load(x0 + i);
            (c00, c10, c20, c30) = (Fma(v0, a, c00), Fma(v1, a, c10), Fma(v2, a, c20), Fma(v3, a, c30));
            if (n > 1)
            {
                a = Vector512.Load(x1 + i);
                (c01, c11, c21, c31) = (Fma(v0, a, c01), Fma(v1, a, c11), Fma(v2, a, c21), Fma(v3, a, c31));
            }

            if (n > 2)
            {
                a = Vector512.Load(x2 + i);
                (c02, c12, c22, c32) = (Fma(v0, a, c02), Fma(v1, a, c12), Fma(v2, a, c22), Fma(v3, a, c32));
            }

            if (n > 3)
            {
                a = Vector512.Load(x3 + i);
                (c03, c13, c23, c33) = (Fma(v0, a, c03), Fma(v1, a, c13), Fma(v2, a, c23), Fma(v3, a, c33));
            }

            if (n > 4)
            {
                a = Vector512.Load(x4 + i);
                (c04, c14, c24, c34) = (Fma(v0, a, c04), Fma(v1, a, c14), Fma(v2, a, c24), Fma(v3, a, c34));
            }

            if (n > 5)
            {
                a = Vector512.Load(x5 + i);
                (c05, c15, c25, c35) = (Fma(v0, a, c05), Fma(v1, a, c15), Fma(v2, a, c25), Fma(v3, a, c35));
            }
        }

        Store(Sum4(c00, c10, c20, c30) + Tail<TRow>(w0, rowBytes, x0, i, length), y, accumulate);
        if (n > 1)
        {
            Store(Sum4(c01, c11, c21, c31) + Tail<TRow>(w0, rowBytes, x1, i, length), y + yStride, accumulate);
        }

        if (n > 2)
        {
            Store(Sum4(c02, c12, c22, c32) + Tail<TRow>(w0, rowBytes, x2, i, length), y + 2 * yStride, accumulate);
        }

        if (n > 3)
        {
            Store(Sum4(c03, c13, c23, c33) + Tail<TRow>(w0, rowBytes, x3, i, length), y + 3 * yStride, accumulate);
        }

        if (n > 4)
        {
            Store(Sum4(c04, c14, c24, c34) + Tail<TRow>(w0, rowBytes, x4, i, length), y + 4 * yStride, accumulate);
        }

        if (n > 5)
        {
            Store(Sum4(c05, c15, c25, c35) + Tail<TRow>(w0, rowBytes, x5, i, length), y + 5 * yStride, accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Fma(Vector512<float> weights, Vector512<float> activations, Vector512<float> sum) =>
        Vector512.FusedMultiplyAdd(weights, activations, sum);

    // [Σa, Σb, Σc, Σd]: halve each to 8 lanes, then two rounds of pairwise adds interleave the four.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Sum4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        if (!Avx.IsSupported)
        {
            return Vector128.Create(Vector512.Sum(a), Vector512.Sum(b), Vector512.Sum(c), Vector512.Sum(d));
        }

        var ab = Avx.HorizontalAdd(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper());
        var cd = Avx.HorizontalAdd(c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());
        var abcd = Avx.HorizontalAdd(ab, cd);
        return abcd.GetLower() + abcd.GetUpper();
    }

    // The last length % 16 elements of the 4 rows, one by one: only shapes smaller than real models have them.
    private static Vector128<float> Tail<TRow>(byte* w, long rowBytes, float* x, int from, int length)
        where TRow : struct, IWeightRow
    {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (var i = from; i < length; i++)
        {
            s0 += TRow.Load1(w, i) * x[i];
            s1 += TRow.Load1(w + rowBytes, i) * x[i];
            s2 += TRow.Load1(w + 2 * rowBytes, i) * x[i];
            s3 += TRow.Load1(w + 3 * rowBytes, i) * x[i];
        }

        return Vector128.Create(s0, s1, s2, s3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector128<float> sums, float* y, bool accumulate) =>
        (accumulate ? sums + Vector128.Load(y) : sums).Store(y);
}
