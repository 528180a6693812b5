// Small objects for the fake API server's tests, built with KubernetesClient's own models.
using System.Net;
using System.Text.Json.Serialization;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Parley.Testing.Tests.FakeKubernetes;

internal static class TestObjects
{
    public const string Namespace = "default";

    public static V1Deployment Deployment(string name, Dictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        Spec = new V1DeploymentSpec
        {
            Replicas = 1,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec
                {
                    Containers =
                    [
                        new V1Container
                        {
                            Name = "main",
                            Image = "busybox:1",
                            Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m") } },
                        },
                    ],
                },
            },
        },
    };

    public static V1ConfigMap ConfigMap(string name, V1OwnerReference? owner = null, params string[] finalizers) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            OwnerReferences = owner is null ? null : [owner],
            Finalizers = finalizers.Length == 0 ? null : finalizers,
        },
        Data = new Dictionary<string, string> { ["key"] = "value" },
    };

    public static V1OwnerReference OwnerReference(IKubernetesObject<V1ObjectMeta> owner) => new()
    {
        ApiVersion = owner.ApiVersion,
        Kind = owner.Kind,
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid,
        Controller = true,
    };

    public static TestChat Chat(string name, string model = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
        Spec = new TestChatSpec { Model = model },
    };

    /// <summary>The Status body of a refused request.</summary>
    public static V1Status StatusOf(HttpOperationException error) => KubernetesJson.Deserialize<V1Status>(error.Response.Content);

    public static async Task<V1Status> RefusalAsync(Func<Task> call, HttpStatusCode expected)
    {
        var error = (await call.Should().ThrowAsync<HttpOperationException>()).Which;
        error.Response.StatusCode.Should().Be(expected, error.Response.Content);
        return StatusOf(error);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or 5 s pass.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string because)
    {
        for (var waited = 0; !condition(); waited += 20)
        {
            waited.Should().BeLessThan(5000, because);
            await Task.Delay(20);
        }
    }
}

/// <summary>A stand-in for Parley's ChatDeployment, so these tests do not depend on Parley.Api.</summary>
[KubernetesEntity(Group = "parley.dev", ApiVersion = "v1alpha1", Kind = "ChatDeployment", PluralName = "chatdeployments")]
internal sealed class TestChat : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "parley.dev/v1alpha1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "ChatDeployment";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public TestChatSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public TestChatStatus? Status { get; set; }
}

internal sealed class TestChatSpec
{
    [JsonPropertyName("model")]
    public string Model { get; set; } = "";
}

internal sealed class TestChatStatus
{
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }
}

internal sealed class TestChatList : IKubernetesObject<V1ListMeta>, IItems<TestChat>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "parley.dev/v1alpha1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "ChatDeploymentList";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<TestChat> Items { get; set; } = [];
}
