// Free memory on the CPU device, defined so that workers sharing it can be tested the way workers sharing a GPU run.
//
// A GPU tells a starting worker how much memory is free (cudaMemGetInfo) and neighbours' allocations lower it. The CPU
// has no such per-device number that means the same thing, so the worker does not pretend to read one: workers that
// share a budget (--cpu-memory-total-bytes) record their shares as files in one folder (--cpu-memory-ledger), and
// free = total - the shares recorded there. A claim is checked and written under an exclusive lock file, so two
// workers starting at once cannot both take the last bytes; it is deleted when the worker stops, and a claim whose
// process is gone is ignored (a killed worker frees its share like a killed CUDA process does).
using System.Diagnostics;
using System.Globalization;

namespace Parley.Worker.Serving;

/// <summary>A folder of memory claims against a fixed budget.</summary>
public sealed class CpuMemoryLedger(string folder, long totalBytes)
{
    private const string LockFile = ".lock";

    public long TotalBytes => totalBytes;

    /// <summary>The budget less every live claim.</summary>
    public long FreeBytes()
    {
        using var _ = Lock();
        return totalBytes - LiveClaims().Sum(claim => claim.Bytes);
    }

    /// <summary>Records a claim of <paramref name="bytes"/> when that much is free; returns null and the free bytes otherwise.</summary>
    public IDisposable? TryClaim(long bytes, out long freeBytes)
    {
        Directory.CreateDirectory(folder);
        using var _ = Lock();
        freeBytes = totalBytes - LiveClaims().Sum(claim => claim.Bytes);
        if (freeBytes < bytes)
        {
            return null;
        }

        var path = Path.Combine(folder, $"claim-{Environment.ProcessId}-{Guid.NewGuid():N}");
        File.WriteAllText(path, bytes.ToString(CultureInfo.InvariantCulture));
        return new Claim(path);
    }

    private FileStream Lock()
    {
        Directory.CreateDirectory(folder);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(Path.Combine(folder, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 200)
            {
                Thread.Sleep(10); // another worker holds the ledger for the few microseconds of a check
            }
        }
    }

    private List<(string Path, long Bytes)> LiveClaims() =>
        Directory.EnumerateFiles(folder, "claim-*")
            .Select(path => (Path: path, Pid: ProcessIdOf(path), Bytes: long.TryParse(File.ReadAllText(path), NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : 0))
            .Where(claim => IsAlive(claim.Pid))
            .Select(claim => (claim.Path, claim.Bytes))
            .ToList();

    private static int ProcessIdOf(string path) =>
        int.TryParse(Path.GetFileName(path).Split('-')[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : -1;

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private sealed class Claim(string path) : IDisposable
    {
        public void Dispose() => File.Delete(path);
    }
}
