using k8s.Models;
using Parley.Operator.Runtime;

namespace Parley.Operator.Tests.Runtime;

public class ObjectCacheTests
{
    [Fact]
    public void SetIfNotOlder_AnAnswerOlderThanWhatTheWatchBrought_KeepsTheWatchs()
    {
        var cache = new ObjectCache<V1ConfigMap>();
        cache.Set(Map("11"));

        cache.SetIfNotOlder(Map("10"));

        cache.Get("team-a/m")!.Metadata.ResourceVersion.Should().Be("11");
    }

    [Fact]
    public void SetIfNotOlder_AnAnswerFromBeforeTheWatchReportedTheDeletion_DoesNotBringTheObjectBack()
    {
        var cache = new ObjectCache<V1ConfigMap>();
        cache.Set(Map("9"));
        cache.Delete(Map("11"));

        cache.SetIfNotOlder(Map("10"));

        cache.Get("team-a/m").Should().BeNull();
    }

    [Fact]
    public void SetIfNotOlder_ARecreateAfterTheDeletion_IsStored()
    {
        var cache = new ObjectCache<V1ConfigMap>();
        cache.Delete(Map("11"));

        cache.SetIfNotOlder(Map("12"));

        cache.Get("team-a/m")!.Metadata.ResourceVersion.Should().Be("12");
    }

    private static V1ConfigMap Map(string resourceVersion) =>
        new() { Metadata = new V1ObjectMeta { Name = "m", NamespaceProperty = "team-a", ResourceVersion = resourceVersion } };
}
