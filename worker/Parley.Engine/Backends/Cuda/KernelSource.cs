// The .cu files embedded in the assembly, each with the shared headers put in front (Kernels/prelude.cuh first, then the
// other .cuh files by name), since the kernels include no headers: NVRTC is given no include path.
using System.Reflection;

namespace Parley.Engine.Backends.Cuda;

/// <summary>One kernel file, ready for NVRTC.</summary>
/// <param name="FileName">The file name, e.g. rope.cu: what compile errors name.</param>
/// <param name="Text">The headers followed by the file.</param>
public sealed record KernelSource(string FileName, string Text)
{
    private const string ResourcePrefix = "Parley.Cuda.Kernels.";
    private const string Prelude = "prelude.cuh";

    /// <summary>Every embedded kernel file, by name.</summary>
    public static IReadOnlyList<KernelSource> All()
    {
        var assembly = typeof(KernelSource).Assembly;
        var names = assembly.GetManifestResourceNames().Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal)).ToArray();
        var headers = names.Where(name => name.EndsWith(".cuh", StringComparison.Ordinal))
            .OrderBy(name => name == ResourcePrefix + Prelude ? 0 : 1).ThenBy(name => name, StringComparer.Ordinal);
        var prelude = string.Join('\n', headers.Select(name => Read(assembly, name)));
        return names
            .Where(name => name.EndsWith(".cu", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => new KernelSource(name[ResourcePrefix.Length..], $"{prelude}\n#line 1 \"{name[ResourcePrefix.Length..]}\"\n{Read(assembly, name)}"))
            .ToList();
    }

    /// <summary>The embedded file <paramref name="fileName"/>.</summary>
    public static KernelSource Named(string fileName) =>
        All().SingleOrDefault(source => source.FileName == fileName) ?? throw new ArgumentException($"No embedded kernel file '{fileName}'.", nameof(fileName));

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"Embedded resource '{name}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
