// The AVX-512 BF16 products of Native/bf16_dot.cc: bf16 weights times activations rounded to bf16, two products per
// float32 lane per instruction (VDPBF16PS), which .NET exposes no intrinsic for. The library is built with the engine
// when g++ is at hand and sits beside the assembly; where it is missing or the CPU lacks AVX-512 BF16, IsAvailable is
// false and the managed float32 kernels (TileDot, RowDot) compute every product instead.
using System.Runtime.InteropServices;

namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>Native bf16·bf16 tiles with float32 sums.</summary>
internal static unsafe class BFloat16Dot
{
    /// <summary>The native library's file name, beside the engine's assembly.</summary>
    public const string LibraryName = "libparley-cpu.so";

    /// <summary>Most weight rows per tile.</summary>
    public const int MaxRows = 4;

    /// <summary>Most tokens per tile.</summary>
    public const int MaxTokens = 6;

    private static readonly delegate* unmanaged[SuppressGCTransition]<float*, ushort*, long, void> s_round;
    private static readonly delegate* unmanaged[SuppressGCTransition]<int, int, ushort*, long, ushort*, long, int, float*, long, int, void> s_tile;
    private static readonly delegate* unmanaged[SuppressGCTransition]<int, ushort*, long, ushort*, int, float*, int, void> s_gemv;

    static BFloat16Dot()
    {
        var path = Path.Combine(AppContext.BaseDirectory, LibraryName);
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            Status = "not built for this platform (Linux x64 only)";
        }
        else if (!NativeLibrary.TryLoad(path, out var library))
        {
            Status = $"{path} not found (built only where g++ is installed)";
        }
        else if (((delegate* unmanaged<int>)NativeLibrary.GetExport(library, "parley_bf16_supported"))() == 0)
        {
            Status = "the CPU lacks AVX-512 BF16";
        }
        else
        {
            s_round = (delegate* unmanaged[SuppressGCTransition]<float*, ushort*, long, void>)NativeLibrary.GetExport(library, "parley_bf16_round");
            s_tile = (delegate* unmanaged[SuppressGCTransition]<int, int, ushort*, long, ushort*, long, int, float*, long, int, void>)NativeLibrary.GetExport(library, "parley_bf16_tile");
            s_gemv = (delegate* unmanaged[SuppressGCTransition]<int, ushort*, long, ushort*, int, float*, int, void>)NativeLibrary.GetExport(library, "parley_bf16_gemv");
            IsAvailable = true;
            Status = "AVX-512 BF16";
        }
    }

    /// <summary>True when the library is loaded and the CPU runs it.</summary>
    public static bool IsAvailable { get; }

    /// <summary>Why the products do or do not use it, for the start-up log.</summary>
    public static string Status { get; }

    /// <summary>destination[i] = source[i] rounded to the nearest bf16 (ties to even).</summary>
    public static void Round(float* source, ushort* destination, long count)
    {
        Require();
        s_round(source, destination, count);
    }

    /// <summary>y[t·yStride + r] = (or +=) Σ_i w[r·wStride + i]·x[t·xStride + i] for rows r &lt; <paramref name="rows"/>
    /// and tokens t &lt; <paramref name="tokens"/>; strides in elements.</summary>
    public static void Tile(int rows, int tokens, ushort* w, long wStride, ushort* x, long xStride, int length, float* y, long yStride, bool accumulate)
    {
        Require();
        if (rows is < 1 or > MaxRows || tokens is < 1 or > MaxTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), $"A tile holds 1 to {MaxRows} rows and 1 to {MaxTokens} tokens, not {rows} and {tokens}.");
        }

        s_tile(rows, tokens, w, wStride, x, xStride, length, y, yStride, accumulate ? 1 : 0);
    }

    /// <summary>y[r] = (or +=) Σ_i w[r·wStride + i]·x[i] for rows r &lt; <paramref name="rows"/>: one token's product,
    /// read one row after another (a single stream from memory, which tiles of several rows are not).</summary>
    public static void Gemv(int rows, ushort* w, long wStride, ushort* x, int length, float* y, bool accumulate)
    {
        Require();
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        s_gemv(rows, w, wStride, x, length, y, accumulate ? 1 : 0);
    }

    private static void Require()
    {
        if (!IsAvailable)
        {
            throw new PlatformNotSupportedException($"The native bf16 products are unavailable: {Status}.");
        }
    }
}
