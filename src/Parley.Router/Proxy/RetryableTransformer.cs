// YARP's default transform, except that a worker's 503 (draining, or its queue is full) is kept from the client when
// another replica can take the request: returning false from TransformResponseAsync tells the forwarder not to copy the
// response, so nothing has reached the client and the caller may send the request again.
using System.Net;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Parley.Router.Proxy;

/// <summary>The transform of one forwarding attempt.</summary>
public sealed class RetryableTransformer(bool holdsBackUnavailable) : HttpTransformer
{
    /// <summary>The worker answered 503 and the answer was held back.</summary>
    public bool WasUnavailable { get; private set; }

    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (holdsBackUnavailable && proxyResponse?.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            WasUnavailable = true;
            return ValueTask.FromResult(false);
        }

        return base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }
}
