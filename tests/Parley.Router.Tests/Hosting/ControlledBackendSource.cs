// A backend source the test drives: it publishes whatever the test sets, when the test sets it.
using Parley.Router.Backends;

namespace Parley.Router.Tests.Hosting;

internal sealed class ControlledBackendSource : IBackendSource
{
    private Action<IReadOnlyList<BackendEndpoint>>? _publish;

    public Task RunAsync(Action<IReadOnlyList<BackendEndpoint>> publish, CancellationToken cancellationToken)
    {
        _publish = publish;
        publish([]);
        return Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public void Publish(params FakeUpstream[] upstreams) =>
        _publish!([.. upstreams.Select(u => new BackendEndpoint(u.Address, Pod: null, IsReady: true))]);
}
