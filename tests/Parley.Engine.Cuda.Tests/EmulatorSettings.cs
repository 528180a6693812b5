// Tests that change the emulated device's settings (its environment) run alone, after the parallel ones.
using System.Runtime.InteropServices;

namespace Parley.Engine.Cuda.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed partial class EmulatorSettings
{
    public const string Name = "emulated device settings";

    /// <summary>Sets a variable the emulated driver reads (C environment) until the result is disposed.</summary>
    public static IDisposable With(string name, string value)
    {
        _ = SetNative(name, value, 1);
        return new Restore(name);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetNative(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "unsetenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnsetNative(string name);

    private sealed class Restore(string name) : IDisposable
    {
        public void Dispose() => _ = UnsetNative(name);
    }
}
