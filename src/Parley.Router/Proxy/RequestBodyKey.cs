// Reads a request's routing key without consuming its body: the body is buffered (memory, then a temporary file past
// ASP.NET Core's threshold) so the forwarder, and a retry after it, still send it whole and unchanged. At most
// RoutingKey.MaxBodyBytes are looked at.
using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Parley.Router.Routing;

namespace Parley.Router.Proxy;

/// <summary>The routing key of a buffered request body.</summary>
public static class RequestBodyKey
{
    /// <summary>Buffers the body and returns its routing key, or null for requests without a body or a readable key.</summary>
    public static async Task<ulong?> ReadAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true)
        {
            return null;
        }

        request.EnableBuffering();
        var buffer = ArrayPool<byte>.Shared.Rent(RoutingKey.MaxBodyBytes + 1);
        try
        {
            var length = await request.Body.ReadAtLeastAsync(buffer.AsMemory(0, RoutingKey.MaxBodyBytes + 1), RoutingKey.MaxBodyBytes + 1, throwOnEndOfStream: false, context.RequestAborted).ConfigureAwait(false);
            request.Body.Position = 0;
            return length > RoutingKey.MaxBodyBytes ? null : RoutingKey.From(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
