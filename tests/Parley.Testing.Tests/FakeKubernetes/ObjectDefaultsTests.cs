using k8s;
using k8s.Models;
using Parley.LocalCluster.Api;
using static Parley.Testing.Tests.FakeKubernetes.TestObjects;

namespace Parley.Testing.Tests.FakeKubernetes;

public sealed class ObjectDefaultsTests
{
    [Fact]
    public async Task Create_OfASecretWithStringData_StoresItBase64EncodedInData()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "chat-credentials" },
            Data = new Dictionary<string, byte[]> { ["kept"] = "old"u8.ToArray(), ["api-key"] = "overridden"u8.ToArray() },
            StringData = new Dictionary<string, string> { ["api-key"] = "sk-123" },
        };

        var created = await client.CoreV1.CreateNamespacedSecretAsync(secret, Namespace);

        created.StringData.Should().BeNull();
        created.Data.Keys.Should().BeEquivalentTo("kept", "api-key");
        created.Data["api-key"].Should().Equal("sk-123"u8.ToArray());
    }
}
