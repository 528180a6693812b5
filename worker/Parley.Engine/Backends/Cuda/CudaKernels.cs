// Every kernel of Kernels/*.cu, compiled for this GPU (or read from the PTX cache) and loaded into the context.
using Parley.Engine.Backends.Cuda.Driver;

namespace Parley.Engine.Backends.Cuda;

/// <summary>The loaded kernels by name.</summary>
internal sealed class CudaKernels : IDisposable
{
    private readonly List<CudaModule> _modules = [];
    private readonly Dictionary<string, CudaKernel> _kernels = [];

    public CudaKernels(KernelCompiler compiler, int computeCapability)
    {
        try
        {
            foreach (var source in KernelSource.All())
            {
                var module = Load(compiler, source, computeCapability);
                _modules.Add(module);
                foreach (var name in EntryNames(source))
                {
                    _kernels[name] = module.Kernel(name);
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public CudaKernel this[string name] => _kernels.TryGetValue(name, out var kernel) ? kernel : throw new KeyNotFoundException($"No CUDA kernel '{name}' was loaded.");

    public void Dispose() => _modules.ForEach(module => module.Dispose());

    // A cached image the driver refuses is compiled again and replaced, once: a start never fails on a stale cache.
    private static CudaModule Load(KernelCompiler compiler, KernelSource source, int computeCapability)
    {
        var image = compiler.CompileForDevice(source, computeCapability);
        try
        {
            return new CudaModule(image.IsCubin ? image.Bytes : [.. image.Bytes, 0]);
        }
        catch (CudaException) when (image.FromCache)
        {
            image = compiler.CompileForDevice(source, computeCapability, refresh: true);
            return new CudaModule(image.IsCubin ? image.Bytes : [.. image.Bytes, 0]);
        }
    }

    // The kernels a file defines: each `extern "C" __global__ void [__launch_bounds__(...)] name(`.
    private static IEnumerable<string> EntryNames(KernelSource source)
    {
        const string marker = "extern \"C\" __global__ void ";
        var text = source.Text;
        for (var at = text.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = text.IndexOf(marker, at + 1, StringComparison.Ordinal))
        {
            var rest = text[(at + marker.Length)..];
            if (rest.StartsWith("__launch_bounds__", StringComparison.Ordinal))
            {
                rest = rest[(rest.IndexOf(')', StringComparison.Ordinal) + 1)..].TrimStart();
            }

            yield return rest[..rest.IndexOf('(', StringComparison.Ordinal)].Trim();
        }
    }
}
