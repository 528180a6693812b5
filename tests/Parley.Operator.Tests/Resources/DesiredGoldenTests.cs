// Golden files under Resources/Golden/ are `parley-operator render` output for the samples, with counting keys in
// place of random ones. Regenerate: UPDATE_GOLDEN=1 dotnet test tests/Parley.Operator.Tests --filter DesiredGoldenTests
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Parley.Api.Serialization;
using Parley.Operator.Resources;
using Parley.Testing;

namespace Parley.Operator.Tests.Resources;

public class DesiredGoldenTests
{
    public static TheoryData<string, string> Cases() => new()
    {
        { "deepseek-r1-qwen-1.5b.yaml", "rtx3060.yaml" },
        { "deepseek-r1-qwen-1.5b.yaml", "h100.yaml" },
        { "llama3-8b-gptq.yaml", "rtx3060.yaml" },
        { "llama3-8b-gptq.yaml", "mixed.yaml" },
        { "deepseek-r1-qwen-1.5b-autoscaled.yaml", "rtx3060.yaml" },
        { "qwen2.5-7b-lora.yaml", "h100.yaml" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_Sample_MatchesGoldenYaml(string sample, string nodes)
    {
        var yaml = Render(sample, nodes);

        var header = $"# Rendered from samples/{sample} on samples/nodes/{nodes} by DesiredGoldenTests (keys are test placeholders).\n" +
            "# Regenerate: UPDATE_GOLDEN=1 dotnet test tests/Parley.Operator.Tests --filter DesiredGoldenTests\n";
        GoldenFile.AssertMatches(
            $"tests/Parley.Operator.Tests/Resources/Golden/{Path.GetFileNameWithoutExtension(sample)}.{Path.GetFileNameWithoutExtension(nodes)}.yaml",
            header + yaml);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_EveryDocument_RoundTripsThroughItsKubernetesType(string sample, string nodes)
    {
        foreach (var document in YamlJson.ParseDocuments(Render(sample, nodes)))
        {
            var again = JsonNode.Parse(RoundTrip(document["kind"]!.GetValue<string>(), document.ToJsonString()));

            JsonNode.DeepEquals(document, again).Should().BeTrue($"every field of the {document["kind"]} must be one its type knows");
        }
    }

    private static string Render(string sample, string nodes)
    {
        var context = TestChats.Context(TestChats.Sample(sample), TestChats.Nodes(nodes));
        return Manifests.ToYaml(Desired.For(context, existingCredentials: null, TestChats.CountingKeys()));
    }

    private static string RoundTrip(string kind, string json) => kind switch
    {
        "Deployment" => Again<V1Deployment>(json),
        "Service" => Again<V1Service>(json),
        "Secret" => Again<V1Secret>(json),
        "ConfigMap" => Again<V1ConfigMap>(json),
        "PersistentVolumeClaim" => Again<V1PersistentVolumeClaim>(json),
        "NetworkPolicy" => Again<V1NetworkPolicy>(json),
        "Ingress" => Again<V1Ingress>(json),
        "ServiceMonitor" => Again<ServiceMonitor>(json),
        "ServiceAccount" => Again<V1ServiceAccount>(json),
        "Role" => Again<V1Role>(json),
        "RoleBinding" => Again<V1RoleBinding>(json),
        _ => throw new ArgumentException($"No model type for {kind}."),
    };

    private static string Again<T>(string json) => KubernetesJson.Serialize(KubernetesJson.Deserialize<T>(json));
}
