namespace Parley.Worker.Tests.Hostile;

/// <summary>One worker with an API key that every hostile case of a test class is sent to.</summary>
public sealed class HostileWorker : IAsyncLifetime
{
    private RunningWorker? _worker;

    internal RunningWorker Worker => _worker ?? throw new InvalidOperationException("The worker has not started.");

    public async Task InitializeAsync() => _worker = await RunningWorker.StartAsync(options => options with { ApiKey = HostileCases.ApiKey });

    public async Task DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }
    }
}
