// What the kernel says about transparent huge pages: the system setting, and how much of one mapping of this process
// lies in huge pages (/proc/self/smaps, AnonHugePages of the mapping holding an address).
using System.Globalization;

namespace Parley.Engine.Tests.Models;

internal static class TransparentHugePages
{
    /// <summary>Present only where the kernel was built with transparent huge pages; its bracketed word is the mode.</summary>
    public const string Setting = "/sys/kernel/mm/transparent_hugepage/enabled";

    /// <summary>"always", "madvise" or "never"; null where the kernel has no transparent huge pages.</summary>
    public static string? Mode()
    {
        if (!File.Exists(Setting))
        {
            return null;
        }

        var text = File.ReadAllText(Setting);
        var open = text.IndexOf('[', StringComparison.Ordinal);
        var close = text.IndexOf(']', open + 1);
        return open >= 0 && close > open ? text[(open + 1)..close] : null;
    }

    /// <summary>Bytes of the mapping that holds <paramref name="address"/> backed by huge pages.</summary>
    public static long HugePageBytes(nint address)
    {
        var inMapping = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (dash > 0 && space > dash && long.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var begin)
                && long.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end))
            {
                inMapping = begin <= address && address < end;
            }
            else if (inMapping && line.StartsWith("AnonHugePages:", StringComparison.Ordinal))
            {
                return long.Parse(line["AnonHugePages:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"No mapping of this process holds 0x{address:x}.");
    }
}
