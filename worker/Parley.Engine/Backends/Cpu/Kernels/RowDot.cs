// Dot products of one stored weight row with one or four float32 activation rows, widening the weights in registers:
// 16 lanes at a time where the CPU has AVX-512, then 8, then one by one for the tail.
// Four activation rows share each weight load, which is what makes prefill (many tokens per row) cheaper per token
// than decode; decode (one token) is bound by reading the weights once, and One asks for them a few KiB ahead of its
// reads (Prefetch.Ahead), as the native kernels do.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>Weight row · activation rows.</summary>
internal static unsafe class RowDot
{
    /// <summary>Σ w[i]·x[i] over <paramref name="length"/> elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float One<TRow>(byte* w, float* x, int length)
        where TRow : IWeightRow
    {
        var i = 0;
        float sum;
        if (Vector512.IsHardwareAccelerated)
        {
            var wide0 = Vector512<float>.Zero;
            var wide1 = Vector512<float>.Zero;
            for (; i <= length - 32; i += 32)
            {
                for (var line = 0; line < 32 * TRow.ElementSize; line += 64)
                {
                    Prefetch.Ahead(w + (long)i * TRow.ElementSize + line);
                }

                wide0 = Vector512.FusedMultiplyAdd(TRow.Load16(w, i), Vector512.Load(x + i), wide0);
                wide1 = Vector512.FusedMultiplyAdd(TRow.Load16(w, i + 16), Vector512.Load(x + i + 16), wide1);
            }

            sum = Vector512.Sum(wide0 + wide1);
        }
        else
        {
            sum = 0;
        }

        var acc0 = Vector256<float>.Zero;
        var acc1 = Vector256<float>.Zero;
        for (; i <= length - 16; i += 16)
        {
            Prefetch.Ahead(w + (long)i * TRow.ElementSize);
            acc0 = Vector256.FusedMultiplyAdd(TRow.Load8(w, i), Vector256.Load(x + i), acc0);
            acc1 = Vector256.FusedMultiplyAdd(TRow.Load8(w, i + 8), Vector256.Load(x + i + 8), acc1);
        }

        sum += Vector256.Sum(acc0 + acc1);
        for (; i < length; i++)
        {
            sum += TRow.Load1(w, i) * x[i];
        }

        return sum;
    }

    /// <summary>The dot products of one weight row with four activation rows <paramref name="stride"/> floats apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Four<TRow>(byte* w, float* x, int stride, int length)
        where TRow : IWeightRow
    {
        float* x0 = x, x1 = x + stride, x2 = x + 2 * stride, x3 = x + 3 * stride;
        var i = 0;
        var wide = Vector128<float>.Zero;
        if (Vector512.IsHardwareAccelerated)
        {
            var wide0 = Vector512<float>.Zero;
            var wide1 = Vector512<float>.Zero;
            var wide2 = Vector512<float>.Zero;
            var wide3 = Vector512<float>.Zero;
            for (; i <= length - 16; i += 16)
            {
                var weights = TRow.Load16(w, i);
                wide0 = Vector512.FusedMultiplyAdd(weights, Vector512.Load(x0 + i), wide0);
                wide1 = Vector512.FusedMultiplyAdd(weights, Vector512.Load(x1 + i), wide1);
                wide2 = Vector512.FusedMultiplyAdd(weights, Vector512.Load(x2 + i), wide2);
                wide3 = Vector512.FusedMultiplyAdd(weights, Vector512.Load(x3 + i), wide3);
            }

            wide = Vector128.Create(Vector512.Sum(wide0), Vector512.Sum(wide1), Vector512.Sum(wide2), Vector512.Sum(wide3));
        }

        var acc0 = Vector256<float>.Zero;
        var acc1 = Vector256<float>.Zero;
        var acc2 = Vector256<float>.Zero;
        var acc3 = Vector256<float>.Zero;
        for (; i <= length - 8; i += 8)
        {
            var weights = TRow.Load8(w, i);
            acc0 = Vector256.FusedMultiplyAdd(weights, Vector256.Load(x0 + i), acc0);
            acc1 = Vector256.FusedMultiplyAdd(weights, Vector256.Load(x1 + i), acc1);
            acc2 = Vector256.FusedMultiplyAdd(weights, Vector256.Load(x2 + i), acc2);
            acc3 = Vector256.FusedMultiplyAdd(weights, Vector256.Load(x3 + i), acc3);
        }

        float s0 = Vector256.Sum(acc0), s1 = Vector256.Sum(acc1), s2 = Vector256.Sum(acc2), s3 = Vector256.Sum(acc3);
        for (; i < length; i++)
        {
            var weight = TRow.Load1(w, i);
            s0 += weight * x0[i];
            s1 += weight * x1[i];
            s2 += weight * x2[i];
            s3 += weight * x3[i];
        }

        return Vector128.Create(s0, s1, s2, s3) + wide;
    }
}
