// A free TCP port on 127.0.0.1 for a test server.
using System.Net;
using System.Net.Sockets;

namespace Parley.Testing;

/// <summary>Finds unused loopback ports.</summary>
public static class LoopbackPort
{
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
