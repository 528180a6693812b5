// A free TCP port on 127.0.0.1 for a test server. A port the kernel hands out for bind(0) comes from the ephemeral
// range, where any outgoing connection of the parallel tests may take it as its source port before the server binds
// ("address already in use"), and where the kernel may hand the same port to the next caller. So ports come from
// below the ephemeral range, each at most once per process, starting at a random place so that test processes running
// side by side rarely probe the same ports, and each is checked free by binding it once.
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Parley.Testing;

/// <summary>Finds unused loopback ports.</summary>
public static class LoopbackPort
{
    private const int LowestPort = 10_000;
    private const string EphemeralRangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
    private static readonly (int First, int Count) Range = OutsideEphemeralRange();
    private static int _next = Random.Shared.Next(Math.Max(Range.Count, 1));

    public static int Free()
    {
        for (var attempt = 0; attempt < Range.Count; attempt++)
        {
            var port = Range.First + (int)((uint)Interlocked.Increment(ref _next) % (uint)Range.Count);
            if (IsFree(port))
            {
                return port;
            }
        }

        return KernelChosen(); // no range below the ephemeral one on this machine
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int KernelChosen()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static (int First, int Count) OutsideEphemeralRange()
    {
        var ephemeralFirst = 32_768; // Linux's default when the range cannot be read
        if (File.Exists(EphemeralRangeFile)
            && File.ReadAllText(EphemeralRangeFile).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) is [var first, ..]
            && int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            ephemeralFirst = parsed;
        }

        return (LowestPort, Math.Max(ephemeralFirst - LowestPort, 0));
    }
}
