// How the operator reaches a Service in a ChatDeployment's namespace. In a cluster that is the Service's DNS name; tests
// and local runs map it to a loopback URL (ControllerOptions.ServiceAddress), the same way worker pods' addresses are
// redirected through their pod IP and ControllerOptions.WorkerInfoPort.
namespace Parley.Operator.Autoscaling;

/// <summary>The base URL (scheme, host, port) of Service <paramref name="service"/> in <paramref name="ns"/> on <paramref name="port"/>.</summary>
public delegate Uri ServiceAddress(string ns, string service, int port);

/// <summary>The standard <see cref="ServiceAddress"/>.</summary>
public static class ServiceAddresses
{
    /// <summary><c>http://service.ns.svc:port</c>, the cluster DNS name.</summary>
    public static Uri ClusterDns(string ns, string service, int port) => new($"http://{service}.{ns}.svc:{port}");
}
