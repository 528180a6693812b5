// The emulated CUDA of tests/cuda-emulator: built once with g++ (cached under .cache/cuda-emulator/ by the sources'
// hash), then named to the CUDA backend through the same CUDA_DRIVER_LIB / NVRTC_LIB / CUBLAS_LIB variables a user
// would set. A process that uses it must do so before its first CUDA call: the libraries are resolved once.
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Parley.Testing;

/// <summary>Builds the emulated CUDA libraries and points a process (or a child process) at them.</summary>
public static partial class CudaEmulator
{
    private static readonly Lazy<Dictionary<string, string>> Built = new(Build);

    /// <summary>CUDA_DRIVER_LIB, NVRTC_LIB and CUBLAS_LIB with the built libraries' absolute paths.</summary>
    public static IReadOnlyDictionary<string, string> Variables => Built.Value;

    /// <summary>Sets the variables in this process, for managed code and for native getenv alike.</summary>
    /// <param name="deviceMemoryBytes">The emulated device's memory (PARLEY_EMU_DEVICE_MEMORY).</param>
    public static void UseInThisProcess(long deviceMemoryBytes = 2L << 30)
    {
        foreach (var (name, value) in Variables.Append(new("PARLEY_EMU_DEVICE_MEMORY", $"{deviceMemoryBytes}")))
        {
            Environment.SetEnvironmentVariable(name, value);
            _ = SetNative(name, value, 1);
        }
    }

    /// <summary>Sets one variable the emulated driver reads (the C environment) until the result is disposed.</summary>
    public static IDisposable Override(string name, string value)
    {
        _ = SetNative(name, value, 1);
        return new Unset(name);
    }

    /// <summary>Sets the variables for a child process.</summary>
    public static void UseIn(ProcessStartInfo start, long deviceMemoryBytes = 2L << 30)
    {
        ArgumentNullException.ThrowIfNull(start);
        foreach (var (name, value) in Variables)
        {
            start.Environment[name] = value;
        }

        start.Environment["PARLEY_EMU_DEVICE_MEMORY"] = $"{deviceMemoryBytes}";
    }

    private static Dictionary<string, string> Build()
    {
        var start = new ProcessStartInfo("bash", [RepositoryPaths.Of("tests", "cuda-emulator", "build.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var build = Process.Start(start) ?? throw new InvalidOperationException("Cannot run tests/cuda-emulator/build.sh.");
        var errors = build.StandardError.ReadToEndAsync();
        var output = build.StandardOutput.ReadToEnd();
        build.WaitForExit();
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"tests/cuda-emulator/build.sh failed ({build.ExitCode}): {errors.Result}");
        }

        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
    }

    // Environment.SetEnvironmentVariable changes only .NET's copy; the emulated driver reads the C environment.
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetNative(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "unsetenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnsetNative(string name);

    private sealed class Unset(string name) : IDisposable
    {
        public void Dispose() => _ = UnsetNative(name);
    }
}
