// The seam between where workers come from (fixed URLs, EndpointSlices) and the router's pool of them.
namespace Parley.Router.Backends;

/// <summary>Publishes the complete set of known workers each time it changes.</summary>
public interface IBackendSource
{
    /// <summary>Runs until <paramref name="cancellationToken"/> fires, calling <paramref name="publish"/> with every
    /// known endpoint (ready or not) whenever the set changes.</summary>
    Task RunAsync(Action<IReadOnlyList<BackendEndpoint>> publish, CancellationToken cancellationToken);
}
