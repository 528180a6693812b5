// Kernel files -> CUBIN (or PTX) with NVRTC, for one compute capability, cached on disk. The cache key hashes everything that
// changes the output (source text, options, NVRTC's version), so a new build, a new GPU generation or a new CUDA never
// reuses stale PTX, and a restart on the same machine skips NVRTC (about a second per file) entirely.
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Parley.Engine.Backends.Cuda.Driver;

namespace Parley.Engine.Backends.Cuda;

/// <summary>Compiles kernel files for the GPU.</summary>
public sealed unsafe class KernelCompiler
{
    /// <summary>A compiled kernel file as the driver loads it.</summary>
    /// <param name="Bytes">CUBIN (an ELF image) or PTX text.</param>
    /// <param name="IsCubin">Which of the two.</param>
    /// <param name="FromCache">Read from the cache folder rather than compiled now.</param>
    public sealed record KernelImage(byte[] Bytes, bool IsCubin, bool FromCache = false);

    private readonly string? _cacheDirectory;

    /// <param name="cacheDirectory">Where PTX is kept between runs; null compiles every time.</param>
    /// <exception cref="CudaUnavailableException">NVRTC cannot be found.</exception>
    public KernelCompiler(string? cacheDirectory)
    {
        CudaLibraries.Require(CudaLibrary.Nvrtc);
        _cacheDirectory = cacheDirectory;
        int major, minor;
        CudaCheck.Nvrtc(Nvrtc.nvrtcVersion(&major, &minor));
        NvrtcVersion = new Version(major, minor);
    }

    public Version NvrtcVersion { get; }

    /// <summary>The default cache folder: $XDG_CACHE_HOME/parley/ptx, else ~/.cache/parley/ptx.</summary>
    public static string DefaultCacheDirectory()
    {
        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(root))
        {
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        }

        return Path.Combine(root, "parley", "ptx");
    }

    /// <summary>NVRTC's options for PTX of a compute capability (major × 10 + minor).</summary>
    public static IReadOnlyList<string> Options(int computeCapability) =>
        // No fast math: the CPU backend is the reference and expf/rsqrtf must stay within a few ulps of it.
        [$"--gpu-architecture=compute_{computeCapability}", "--std=c++14", "-default-device"];

    /// <summary>NVRTC's options for a CUBIN of exactly that GPU generation.</summary>
    public static IReadOnlyList<string> CubinOptions(int computeCapability) =>
        [$"--gpu-architecture=sm_{computeCapability}", "--std=c++14", "-default-device"];

    /// <summary>The PTX of <paramref name="source"/> for <paramref name="computeCapability"/>.</summary>
    /// <exception cref="KernelCompileException">NVRTC rejected the source.</exception>
    public string Compile(KernelSource source, int computeCapability)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Encoding.UTF8.GetString(Ptx(source, computeCapability, refresh: false).Bytes);
    }

    /// <summary>What the driver loads for this GPU: a CUBIN for its exact SM, or, where NVRTC does not know that SM,
    /// PTX for the newest architecture it knows below it (the driver compiles PTX for newer GPUs).</summary>
    /// <remarks>
    /// A CUBIN needs no JIT at load, and it does not carry PTX of a newer ISA than the driver reads: PTX from NVRTC 12.8
    /// is refused by an R535 (CUDA 12.2) driver, a CUBIN for sm_90 from the same NVRTC is not. Both are cached by a key
    /// that holds the architecture, so one cache serves every GPU generation.
    /// </remarks>
    /// <param name="source">The kernel file.</param>
    /// <param name="computeCapability">The GPU's, major × 10 + minor.</param>
    /// <param name="refresh">Compile even when the cache holds an image, and replace it: for a cached image the driver
    /// refused (a file cut short on a full disk, or one naming what no longer exists).</param>
    /// <exception cref="KernelCompileException">NVRTC rejected the source.</exception>
    public KernelImage CompileForDevice(KernelSource source, int computeCapability, bool refresh = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        var options = CubinOptions(computeCapability);
        var (cubin, cached) = Cached(source, options, ".cubin", () => Run(source, options, Output.Cubin, allowUnknownArchitecture: true), refresh);
        if (cubin is not null)
        {
            return new KernelImage(cubin, IsCubin: true, cached);
        }

        var (ptx, ptxCached) = Ptx(source, NewestSupportedUpTo(computeCapability), refresh);
        return new KernelImage(ptx, IsCubin: false, ptxCached);
    }

    private (byte[] Bytes, bool FromCache) Ptx(KernelSource source, int computeCapability, bool refresh)
    {
        var options = Options(computeCapability);
        var (ptx, cached) = Cached(source, options, ".ptx", () => Run(source, options, Output.Ptx, allowUnknownArchitecture: false), refresh);
        return (ptx!, cached);
    }

    private static int NewestSupportedUpTo(int computeCapability)
    {
        int count;
        CudaCheck.Nvrtc(Nvrtc.nvrtcGetNumSupportedArchs(&count));
        var architectures = new int[count];
        fixed (int* data = architectures)
        {
            CudaCheck.Nvrtc(Nvrtc.nvrtcGetSupportedArchs(data));
        }

        var usable = architectures.Where(architecture => architecture <= computeCapability).ToArray();
        return usable.Length > 0 ? usable.Max() : computeCapability;
    }

    // Reads the cache, or makes the output and writes it (null outputs are not cached: the next start tries again).
    private (byte[]? Output, bool FromCache) Cached(KernelSource source, IReadOnlyList<string> options, string extension, Func<byte[]?> make, bool refresh)
    {
        var cached = _cacheDirectory is null ? null : Path.Combine(_cacheDirectory, $"{Path.GetFileNameWithoutExtension(source.FileName)}-{Key(source, options)}{extension}");
        if (cached is not null && !refresh && File.Exists(cached))
        {
            return (File.ReadAllBytes(cached), true);
        }

        var output = make();
        if (cached is not null && output is not null)
        {
            Directory.CreateDirectory(_cacheDirectory!);
            // Write then rename, so two workers (or two backends of one process) starting together never read half a file.
            var temporary = $"{cached}.{Guid.NewGuid():N}.tmp";
            File.WriteAllBytes(temporary, output);
            File.Move(temporary, cached, overwrite: true);
        }

        return (output, false);
    }

    private string Key(KernelSource source, IReadOnlyList<string> options)
    {
        var text = $"{source.Text}\n{string.Join(' ', options)}\nnvrtc {NvrtcVersion}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    private enum Output
    {
        Ptx,
        Cubin,
    }

    // The compiled bytes (PTX without its terminating NUL), or null when allowUnknownArchitecture and NVRTC does not
    // know the architecture.
    private static byte[]? Run(KernelSource source, IReadOnlyList<string> options, Output output, bool allowUnknownArchitecture)
    {
        nint program;
        fixed (byte* text = Utf8(source.Text), name = Utf8(source.FileName))
        {
            CudaCheck.Nvrtc(Nvrtc.nvrtcCreateProgram(&program, text, name, 0, null, null));
        }

        try
        {
            var optionBytes = options.Select(Utf8).ToArray();
            var handles = optionBytes.Select(bytes => GCHandle.Alloc(bytes, GCHandleType.Pinned)).ToArray();
            int result;
            try
            {
                var pointers = stackalloc byte*[handles.Length];
                for (var i = 0; i < handles.Length; i++)
                {
                    pointers[i] = (byte*)handles[i].AddrOfPinnedObject();
                }

                result = Nvrtc.nvrtcCompileProgram(program, handles.Length, pointers);
            }
            finally
            {
                Array.ForEach(handles, handle => handle.Free());
            }

            if (result == Nvrtc.InvalidOption && allowUnknownArchitecture)
            {
                return null;
            }

            if (result != Nvrtc.Success)
            {
                throw new KernelCompileException(source.FileName, Log(program));
            }

            return output == Output.Cubin ? Cubin(program) : Ptx(program);
        }
        finally
        {
            _ = Nvrtc.nvrtcDestroyProgram(&program);
        }
    }

    // PTX and the log end in a NUL that is not part of the text; a CUBIN is taken whole.
    private static byte[] Ptx(nint program) => WithoutNul(Read(program, &Nvrtc.nvrtcGetPTXSize, &Nvrtc.nvrtcGetPTX));

    private static byte[] Cubin(nint program) => Read(program, &Nvrtc.nvrtcGetCUBINSize, &Nvrtc.nvrtcGetCUBIN);

    private static string Log(nint program) =>
        Encoding.UTF8.GetString(WithoutNul(Read(program, &Nvrtc.nvrtcGetProgramLogSize, &Nvrtc.nvrtcGetProgramLog))).Trim();

    // Every NVRTC output comes in two calls: its size, then its bytes.
    private static byte[] Read(nint program, delegate*<nint, nuint*, int> sizeOf, delegate*<nint, byte*, int> copy)
    {
        nuint size;
        CudaCheck.Nvrtc(sizeOf(program, &size));
        var bytes = new byte[size];
        fixed (byte* data = bytes)
        {
            CudaCheck.Nvrtc(copy(program, data));
        }

        return bytes;
    }

    private static byte[] WithoutNul(byte[] text) => text.Length > 0 && text[^1] == 0 ? text[..^1] : text;

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + "\0");
}
