using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Parley.LocalCluster.Api;
using static Parley.Testing.Tests.FakeKubernetes.TestObjects;

namespace Parley.Testing.Tests.FakeKubernetes;

public sealed class LeaderElectionTests
{
    [Fact]
    public async Task LeaderElector_WithALeaseLock_AcquiresTheLease()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var config = new LeaderElectionConfig(new LeaseLock(client, Namespace, "parley-operator", "replica-a"))
        {
            LeaseDuration = TimeSpan.FromSeconds(2),
            RenewDeadline = TimeSpan.FromSeconds(1),
            RetryPeriod = TimeSpan.FromMilliseconds(100),
        };
        using var elector = new LeaderElector(config);
        var leading = new TaskCompletionSource();
        elector.OnStartedLeading += () => leading.TrySetResult();

        var running = elector.RunUntilLeadershipLostAsync(stop.Token);
        await leading.Task.WaitAsync(stop.Token);
        await stop.CancelAsync();
        await running.ContinueWith(_ => { }, TaskScheduler.Default);

        var lease = api.Store.Get("leases", Namespace, "parley-operator");
        lease!["spec"]!["holderIdentity"]!.GetValue<string>().Should().Be("replica-a");
    }
}
