// libparley-cpu.so, the CPU products .NET has no intrinsics for (Native/*.cc: AVX-512 BF16 dot products, bf16 and f16
// weights widened in registers), built with the engine where g++ is at hand and copied beside its assembly. Loaded
// once; each family of kernels (BFloat16Dot, BFloat16WidenedDot, Float16Dot) then asks the library whether this CPU
// runs it.
using System.Runtime.InteropServices;

namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>The native kernel library.</summary>
internal static unsafe class NativeKernels
{
    /// <summary>The library's file name, beside the engine's assembly.</summary>
    public const string LibraryName = "libparley-cpu.so";

    /// <summary>Most weight rows per native tile.</summary>
    public const int MaxRows = 4;

    /// <summary>Most tokens per native tile.</summary>
    public const int MaxTokens = 6;

    /// <summary>Floats of partial sums one tile carries between segments of a row (MaxRows x MaxTokens sums of 16
    /// lanes; dot_tile.h's kPartialSums).</summary>
    public const int PartialSumsPerTile = MaxRows * MaxTokens * 16;

    private static readonly nint s_library;
    private static readonly string s_missing = "";

    static NativeKernels()
    {
        var path = Path.Combine(AppContext.BaseDirectory, LibraryName);
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            s_missing = "not built for this platform (Linux x64 only)";
        }
        else if (!NativeLibrary.TryLoad(path, out s_library))
        {
            s_missing = $"{path} not found (built only where g++ is installed)";
        }
    }

    /// <summary>The exports of a kernel family whose <paramref name="supportedExport"/> says the CPU runs it, or null
    /// with the reason (the library is missing, or the CPU lacks <paramref name="instructions"/>).</summary>
    public static Func<string, nint>? Open(string supportedExport, string instructions, out string status)
    {
        if (s_library == 0)
        {
            status = s_missing;
            return null;
        }

        if (((delegate* unmanaged<int>)NativeLibrary.GetExport(s_library, supportedExport))() == 0)
        {
            status = $"the CPU lacks {instructions}";
            return null;
        }

        status = instructions;
        return name => NativeLibrary.GetExport(s_library, name);
    }

    /// <summary>Refuses a call to a kernel family the CPU or the build does not have, naming why.</summary>
    public static void Require(bool available, string family, string status)
    {
        if (!available)
        {
            throw new PlatformNotSupportedException($"The native {family} products are unavailable: {status}.");
        }
    }

    /// <summary>Refuses a tile outside 1..<see cref="MaxRows"/> rows and 1..<see cref="MaxTokens"/> tokens.</summary>
    public static void RequireTileShape(int rows, int tokens)
    {
        if (rows is < 1 or > MaxRows || tokens is < 1 or > MaxTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), $"A tile holds 1 to {MaxRows} rows and 1 to {MaxTokens} tokens, not {rows} and {tokens}.");
        }
    }
}
