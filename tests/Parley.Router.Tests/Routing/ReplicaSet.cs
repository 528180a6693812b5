// Pools of made-up replicas for the routing tests, with in-flight counts set by hand.
using Parley.Router.Backends;

namespace Parley.Router.Tests.Routing;

internal static class ReplicaSet
{
    public static BackendPool Of(int count)
    {
        var pool = new BackendPool();
        pool.Update([.. Enumerable.Range(0, count).Select(i => new BackendEndpoint($"10.0.0.{i + 1}:8000", $"worker-{i}", IsReady: true))]);
        return pool;
    }

    public static void SetInFlight(Backend backend, int count)
    {
        while (backend.InFlightCount < count)
        {
            backend.Enter();
        }

        while (backend.InFlightCount > count)
        {
            backend.Leave();
        }
    }

    /// <summary>Keys that look like hashes of different conversations.</summary>
    public static IEnumerable<ulong> Keys(int count) =>
        Enumerable.Range(0, count).Select(i => Router.Routing.HashRing.Hash(System.Text.Encoding.UTF8.GetBytes($"conversation {i}")));
}
