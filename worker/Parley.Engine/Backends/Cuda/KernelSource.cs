// The .cu files embedded in the assembly, each with the shared prelude (Kernels/prelude.cuh) put in front, since
// the kernels include no headers.
using System.Reflection;

namespace Parley.Engine.Backends.Cuda;

/// <summary>One kernel file, ready for NVRTC.</summary>
/// <param name="FileName">The file name, e.g. rope.cu: what compile errors name.</param>
/// <param name="Text">The prelude followed by the file.</param>
public sealed record KernelSource(string FileName, string Text)
{
    private const string ResourcePrefix = "Parley.Cuda.Kernels.";
    private const string Prelude = "prelude.cuh";

    /// <summary>Every embedded kernel file, by name.</summary>
    public static IReadOnlyList<KernelSource> All()
    {
        var assembly = typeof(KernelSource).Assembly;
        var prelude = Read(assembly, ResourcePrefix + Prelude);
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".cu", StringComparison.Ordinal))
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
