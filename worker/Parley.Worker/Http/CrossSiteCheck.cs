// Without --api-key, anything that can reach the port may generate; that is the operator's choice for a private
// network. A web page the user happens to visit must not be that anything: browsers mark a cross-site request with
// Sec-Fetch-Site and Origin, so a state-changing request (POST) that a browser sends from another site is refused.
// Programs (curl, SDKs, Open WebUI's back end) send neither header and pass. With a key set, a foreign page cannot
// know the key, so the key check is enough.
using Microsoft.AspNetCore.Http;

namespace Parley.Worker.Http;

/// <summary>Refuses cross-site browser POSTs to a worker that runs without an API key.</summary>
public sealed class CrossSiteCheck(RequestDelegate next, WorkerOptions options)
{
    private readonly bool _isOpen = string.IsNullOrEmpty(options.ApiKey);

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_isOpen && HttpMethods.IsPost(context.Request.Method) && IsCrossSite(context.Request))
        {
            await ErrorHandling.WriteAsync(context, new ApiException(403,
                "Cross-site browser requests are refused by a worker without --api-key; call it from its own page, from a program, or set --api-key.")).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    /// <summary>True when a browser says the request comes from another site.</summary>
    public static bool IsCrossSite(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0)
        {
            return fetchSite is not ("same-origin" or "none");
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0
            && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }
}
