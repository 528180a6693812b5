// A port for a pod's process: the OS picks an unused one, the listener closes, the process binds it a moment later.
using System.Net;
using System.Net.Sockets;

namespace Parley.LocalCluster.Containers;

internal static class FreeLoopbackPort
{
    public static int Next()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
