using System.Net;
using k8s.Models;
using k8s;
using Parley.LocalCluster.Api;
using static Parley.Testing.Tests.FakeKubernetes.TestObjects;

namespace Parley.Testing.Tests.FakeKubernetes;

public sealed class ObjectValidatorTests
{
    [Fact]
    public async Task Create_WithAModelIdAsLabelValue_Returns422NamingTheField()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        var deployment = Deployment("worker", new() { ["parley.dev/model"] = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B" });

        var status = await RefusalAsync(() => client.AppsV1.CreateNamespacedDeploymentAsync(deployment, Namespace), HttpStatusCode.UnprocessableEntity);

        status.Reason.Should().Be("Invalid");
        status.Message.Should().StartWith("Deployment.apps \"worker\" is invalid: metadata.labels: Invalid value: \"deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B\"");
        status.Details.Causes.Should().ContainSingle().Which.Field.Should().Be("metadata.labels");
        api.Store.List("deployments").Should().BeEmpty();
    }

    [Fact]
    public async Task Create_WithAnInvalidPodTemplateLabel_Returns422NamingTheTemplate()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        var deployment = Deployment("worker");
        deployment.Spec.Template.Metadata.Labels["bad key!"] = "x";

        var status = await RefusalAsync(() => client.AppsV1.CreateNamespacedDeploymentAsync(deployment, Namespace), HttpStatusCode.UnprocessableEntity);

        status.Details.Causes.Should().ContainSingle().Which.Field.Should().Be("spec.template.metadata.labels");
    }

    [Theory]
    [InlineData("Bad_Name")]
    [InlineData("-leading-dash")]
    [InlineData("UPPER")]
    public async Task Create_WithANameThatIsNotADnsSubdomain_Returns422(string name)
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();

        var status = await RefusalAsync(() => client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(name), Namespace), HttpStatusCode.UnprocessableEntity);

        status.Message.Should().Contain("metadata.name").And.Contain("RFC 1123 subdomain");
    }

    [Fact]
    public async Task Create_WithADottedName_IsAcceptedForAConfigMap_ButNotForAService()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        var service = new V1Service { Metadata = new V1ObjectMeta { Name = "chat.worker" }, Spec = new V1ServiceSpec() };

        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("chat.worker"), Namespace);
        var status = await RefusalAsync(() => client.CoreV1.CreateNamespacedServiceAsync(service, Namespace), HttpStatusCode.UnprocessableEntity);

        status.Message.Should().Contain("DNS-1035 label");
    }

    [Fact]
    public async Task Create_WithAServiceNameOver63Characters_Returns422()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        var service = new V1Service { Metadata = new V1ObjectMeta { Name = new string('a', 64) }, Spec = new V1ServiceSpec() };

        var status = await RefusalAsync(() => client.CoreV1.CreateNamespacedServiceAsync(service, Namespace), HttpStatusCode.UnprocessableEntity);

        status.Message.Should().Contain("must be no more than 63 characters");
    }

    [Fact]
    public async Task Patch_WithAnUnparseableQuantity_Returns400_AsATypedServerDoes()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("worker"), Namespace);

        // KubernetesClient's ResourceQuantity refuses "12GB" itself, so the bad value travels in a raw patch.
        var patch = new V1Patch("""[{"op":"add","path":"/spec/template/spec/containers/0/resources/limits","value":{"memory":"12GB"}}]""", V1Patch.PatchType.JsonPatch);
        var status = await RefusalAsync(() => client.AppsV1.PatchNamespacedDeploymentAsync(patch, "worker", Namespace), HttpStatusCode.BadRequest);

        status.Reason.Should().Be("BadRequest");
        status.Message.Should().Contain("quantities must match the regular expression").And.Contain("containers[0].resources.limits[memory]");
    }

    [Fact]
    public async Task Create_WithValidQuantitiesInAClaim_Succeeds()
    {
        await using var api = await InMemoryKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        var claim = new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "chat-ui-data" },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("2Gi") } },
            },
        };

        var created = await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(claim, Namespace);

        created.Spec.Resources.Requests["storage"].ToString().Should().Be("2Gi");
    }
}
