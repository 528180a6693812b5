// Kernel files -> PTX with NVRTC, for one compute capability, cached on disk. The cache key hashes everything that
// changes the output (source text, options, NVRTC's version), so a new build, a new GPU generation or a new CUDA never
// reuses stale PTX, and a restart on the same machine skips NVRTC (about a second per file) entirely.
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Parley.Engine.Backends.Cuda.Driver;

namespace Parley.Engine.Backends.Cuda;

/// <summary>Compiles kernel files to PTX.</summary>
public sealed unsafe class KernelCompiler
{
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

    /// <summary>NVRTC's options for a compute capability (major × 10 + minor).</summary>
    public static IReadOnlyList<string> Options(int computeCapability) =>
        // PTX for the virtual architecture: the driver JIT-compiles it for the exact GPU on load. No fast math: the
        // CPU backend is the reference and expf/rsqrtf must stay within a few ulps of it.
        [$"--gpu-architecture=compute_{computeCapability}", "--std=c++14", "-default-device"];

    /// <summary>The PTX of <paramref name="source"/> for <paramref name="computeCapability"/>.</summary>
    /// <exception cref="KernelCompileException">NVRTC rejected the source.</exception>
    public string Compile(KernelSource source, int computeCapability)
    {
        ArgumentNullException.ThrowIfNull(source);
        var options = Options(computeCapability);
        var cached = _cacheDirectory is null ? null : Path.Combine(_cacheDirectory, $"{Path.GetFileNameWithoutExtension(source.FileName)}-{Key(source, options)}.ptx");
        if (cached is not null && File.Exists(cached))
        {
            return File.ReadAllText(cached);
        }

        var ptx = Run(source, options);
        if (cached is not null)
        {
            Directory.CreateDirectory(_cacheDirectory!);
            // Write then rename, so two workers starting together never read half a file.
            var temporary = $"{cached}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temporary, ptx);
            File.Move(temporary, cached, overwrite: true);
        }

        return ptx;
    }

    private string Key(KernelSource source, IReadOnlyList<string> options)
    {
        var text = $"{source.Text}\n{string.Join(' ', options)}\nnvrtc {NvrtcVersion}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    private static string Run(KernelSource source, IReadOnlyList<string> options)
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

            if (result != Nvrtc.Success)
            {
                throw new KernelCompileException(source.FileName, Log(program));
            }

            nuint size;
            CudaCheck.Nvrtc(Nvrtc.nvrtcGetPTXSize(program, &size));
            var ptx = new byte[size];
            fixed (byte* data = ptx)
            {
                CudaCheck.Nvrtc(Nvrtc.nvrtcGetPTX(program, data));
            }

            return Encoding.UTF8.GetString(ptx, 0, Math.Max(0, (int)size - 1));
        }
        finally
        {
            _ = Nvrtc.nvrtcDestroyProgram(&program);
        }
    }

    private static string Log(nint program)
    {
        nuint size;
        CudaCheck.Nvrtc(Nvrtc.nvrtcGetProgramLogSize(program, &size));
        var log = new byte[size];
        fixed (byte* data = log)
        {
            CudaCheck.Nvrtc(Nvrtc.nvrtcGetProgramLog(program, data));
        }

        return Encoding.UTF8.GetString(log, 0, Math.Max(0, (int)size - 1)).Trim();
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + "\0");
}
