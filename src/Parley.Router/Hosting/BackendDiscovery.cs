// Runs the backend source for the router's lifetime and feeds what it publishes into the pool.
using Microsoft.Extensions.Hosting;
using Parley.Router.Backends;

namespace Parley.Router.Hosting;

/// <summary>The hosted loop between an <see cref="IBackendSource"/> and the <see cref="BackendPool"/>.</summary>
public sealed class BackendDiscovery(IBackendSource source, BackendPool pool) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => source.RunAsync(pool.Update, stoppingToken);
}
