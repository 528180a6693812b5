namespace Parley.Router.Backends;

/// <summary>A worker address as a backend source sees it.</summary>
/// <param name="Address"><c>host:port</c>, the key that identifies a backend across updates.</param>
/// <param name="Pod">The pod behind it, when the source knows one.</param>
/// <param name="IsReady">Ready and not terminating: may take new requests.</param>
/// <param name="Scheme"><c>http</c> or <c>https</c>.</param>
public sealed record BackendEndpoint(string Address, string? Pod, bool IsReady, string Scheme = "http")
{
    /// <summary>The prefix YARP forwards to and the scraper reads <c>/metrics</c> under.</summary>
    public string BaseUrl => $"{Scheme}://{Address}";
}
