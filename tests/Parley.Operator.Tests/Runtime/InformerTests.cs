using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Operator.Runtime;

namespace Parley.Operator.Tests.Runtime;

public class InformerTests
{
    [Fact]
    public async Task ExpiredWatch_ListsAgainAndReportsWhatWasDeletedMeanwhile()
    {
        var lists = 0;
        var informer = new Informer<V1ConfigMap>("configmaps",
            ct =>
            {
                lists++;
                IReadOnlyList<V1ConfigMap> items = lists == 1 ? [Map("a", "1"), Map("b", "2")] : [Map("a", "3")];
                return Task.FromResult((items, lists.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            },
            (rv, ct) => lists == 1 ? Expired() : Forever(ct),
            TimeSpan.FromMinutes(5), NullLogger.Instance);
        var seen = new List<(WatchEventType, string)>();
        informer.Changed += (type, map) => { lock (seen) { seen.Add((type, map.Metadata.Name)); } };
        using var stop = new CancellationTokenSource();

        var running = informer.RunAsync(stop.Token);
        await WaitUntil(() => lists == 2 && informer.Cache.Count == 1);
        await stop.CancelAsync();
        await running;

        informer.HasSynced.Should().BeTrue();
        informer.Cache.Get("default/a")!.Metadata.ResourceVersion.Should().Be("3");
        informer.Cache.Get("default/b").Should().BeNull();
        seen.Should().Contain((WatchEventType.Deleted, "b"));
    }

    [Fact]
    public async Task WatchEvents_KeepTheCacheCurrent()
    {
        var informer = new Informer<V1ConfigMap>("configmaps",
            _ => Task.FromResult(((IReadOnlyList<V1ConfigMap>)[Map("a", "1")], "1")),
            (rv, ct) => Events(ct, (WatchEventType.Added, Map("b", "2")), (WatchEventType.Modified, Map("a", "3")), (WatchEventType.Deleted, Map("b", "4"))),
            TimeSpan.FromMinutes(5), NullLogger.Instance);
        using var stop = new CancellationTokenSource();

        var running = informer.RunAsync(stop.Token);
        await WaitUntil(() => informer.Cache.Get("default/a")?.Metadata.ResourceVersion == "3" && informer.Cache.Count == 1);
        await stop.CancelAsync();
        await running;

        informer.Cache.Get("default/b").Should().BeNull();
    }

    [Fact]
    public async Task WatchEvents_ThatOnlyEchoTheCache_AreNotRaised()
    {
        var informer = new Informer<V1ConfigMap>("configmaps",
            _ => Task.FromResult(((IReadOnlyList<V1ConfigMap>)[Map("a", "1")], "1")),
            (rv, ct) => Events(ct, (WatchEventType.Modified, Map("a", "1")), (WatchEventType.Deleted, Map("gone", "2")), (WatchEventType.Added, Map("c", "3"))),
            TimeSpan.FromMinutes(5), NullLogger.Instance);
        var seen = new List<(WatchEventType, string)>();
        informer.Changed += (type, map) => { lock (seen) { seen.Add((type, map.Metadata.Name)); } };
        using var stop = new CancellationTokenSource();

        var running = informer.RunAsync(stop.Token);
        await WaitUntil(() => informer.Cache.Get("default/c") is not null);
        await stop.CancelAsync();
        await running;

        seen.Should().Equal((WatchEventType.Added, "a"), (WatchEventType.Added, "c"));
    }

    private static async IAsyncEnumerable<(WatchEventType, V1ConfigMap)> Expired()
    {
        await Task.Yield();
        throw new WatchExpiredException("410 Gone");
#pragma warning disable CS0162 // An iterator needs a yield to be one.
        yield break;
#pragma warning restore CS0162
    }

    private static async IAsyncEnumerable<(WatchEventType, V1ConfigMap)> Events(
        [EnumeratorCancellation] CancellationToken ct, params (WatchEventType, V1ConfigMap)[] events)
    {
        foreach (var e in events)
        {
            yield return e;
        }

        await Task.Delay(Timeout.Infinite, ct);
    }

    private static async IAsyncEnumerable<(WatchEventType, V1ConfigMap)> Forever([EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Delay(Timeout.Infinite, ct);
        yield break;
    }

    private static V1ConfigMap Map(string name, string resourceVersion) =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", ResourceVersion = resourceVersion } };

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the informer should have caught up");
            await Task.Delay(10);
        }
    }
}
