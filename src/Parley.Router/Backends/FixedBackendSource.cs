// --backend URLs: always ready, never change. Local runs and benchmarks, where no Kubernetes API exists.
namespace Parley.Router.Backends;

/// <summary>The fixed backends of the command line.</summary>
public sealed class FixedBackendSource(IReadOnlyList<Uri> urls) : IBackendSource
{
    public Task RunAsync(Action<IReadOnlyList<BackendEndpoint>> publish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publish);
        publish([.. urls.Select(url => new BackendEndpoint(url.Authority, Pod: null, IsReady: true, url.Scheme))]);
        return Task.CompletedTask;
    }
}
