// An HttpClient handler that sends requests for `*.svc` hosts to a ready pod of the Service, so code written for a
// cluster (http://chat.default.svc:8000/v1) runs unchanged against a local one.
namespace Parley.LocalCluster.Services;

/// <summary>Rewrites Service URLs through <see cref="ServiceAddresses"/>; a Service with no ready endpoint answers as a refused connection.</summary>
public sealed class ServiceRoutingHandler(ServiceAddresses addresses) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RequestUri is { } uri)
        {
            request.RequestUri = addresses.Rewrite(uri)
                ?? throw new HttpRequestException(HttpRequestError.ConnectionError, $"Service {uri.Host} has no ready endpoint.");
        }

        return base.SendAsync(request, cancellationToken);
    }
}
