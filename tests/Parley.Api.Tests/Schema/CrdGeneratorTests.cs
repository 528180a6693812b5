using k8s.Models;
using Parley.Api.Schema;

namespace Parley.Api.Tests.Schema;

public class CrdGeneratorTests
{
    private static readonly V1CustomResourceDefinition Crd = CrdGenerator.Generate();
    private static V1JSONSchemaProps Root => Crd.Spec.Versions[0].Schema.OpenAPIV3Schema;
    private static V1JSONSchemaProps Spec => Root.Properties["spec"];

    [Fact]
    public void Generate_NamesTheResourceWithShortNameChat()
    {
        Crd.Metadata.Name.Should().Be("chatdeployments.parley.dev");
        Crd.Spec.Names.ShortNames.Should().Equal("chat");
        Crd.Spec.Names.Kind.Should().Be("ChatDeployment");
        Crd.Spec.Scope.Should().Be("Namespaced");
    }

    [Fact]
    public void Generate_HasStatusSubresourceAndPrinterColumns()
    {
        var version = Crd.Spec.Versions.Single();
        version.Subresources.Status.Should().NotBeNull();
        version.AdditionalPrinterColumns.Where(column => column.Priority is null or 0).Select(column => column.Name)
            .Should().Equal("Model", "GPU", "Context", "Ready", "Age");
    }

    [Fact]
    public void Generate_RequiresOnlyModelSource()
    {
        Root.Required.Should().Equal("spec");
        Spec.Required.Should().Equal("model");
        Spec.Properties["model"].Required.Should().Equal("source");
        Spec.Properties["worker"].Required.Should().BeNull();
    }

    [Fact]
    public void Generate_SpellsEnumsAsUsersWriteThem()
    {
        Spec.Properties["model"].Properties["dtype"].EnumProperty.Should().Equal("auto", "bfloat16", "float16", "float32");
        Spec.Properties["model"].Properties["reasoningParser"].EnumProperty.Should().Equal("auto", "deepseek-r1", "qwen3", "none");
        Spec.Properties["worker"].Properties["tuning"].Properties["mode"].EnumProperty.Should().Equal("Auto", "Manual");
    }

    [Fact]
    public void Generate_CarriesRangesPatternsAndDescriptionsFromTheCode()
    {
        var utilization = Spec.Properties["worker"].Properties["tuning"].Properties["gpuMemoryUtilization"];
        utilization.Type.Should().Be("number");
        utilization.Minimum.Should().Be(0.05);
        utilization.Maximum.Should().Be(0.99);
        utilization.Description.Should().Contain("--gpu-memory-utilization");
        Spec.Properties["model"].Properties["source"].Pattern.Should().Be(ModelSource.Pattern);
    }

    [Fact]
    public void Generate_MakesGpuCountIntOrString()
    {
        var count = Spec.Properties["worker"].Properties["gpu"].Properties["count"];
        count.XKubernetesIntOrString.Should().BeTrue();
        count.Type.Should().BeNull("a structural int-or-string schema has no type of its own");
    }

    [Fact]
    public void Generate_EveryPropertyIsStructural()
    {
        AssertStructural(Root, "");
    }

    private static void AssertStructural(V1JSONSchemaProps schema, string path)
    {
        (schema.Type is not null || schema.XKubernetesIntOrString == true || schema.XKubernetesPreserveUnknownFields == true)
            .Should().BeTrue($"{path} needs a type");
        foreach (var (name, property) in schema.Properties ?? new Dictionary<string, V1JSONSchemaProps>())
        {
            AssertStructural(property, $"{path}.{name}");
        }

        if (schema.Items is V1JSONSchemaProps items)
        {
            AssertStructural(items, path + "[]");
        }
    }

    [Fact]
    public void Generate_CarriesTheCrossFieldRulesAsCel()
    {
        var spec = Spec;
        var worker = spec.Properties["worker"];
        var autoscaling = worker.Properties["autoscaling"];

        spec.XKubernetesValidations.Should().ContainSingle(rule => rule.Rule.Contains("!self.router.enabled"));
        worker.XKubernetesValidations.Should().ContainSingle().Which.Rule.Should().Be("!(has(self.replicas) && has(self.autoscaling))");
        autoscaling.XKubernetesValidations.Select(rule => rule.Rule).Should().BeEquivalentTo(
            "!has(self.minReplicas) || self.minReplicas <= self.maxReplicas",
            "!has(self.scaleToZeroAfter) || (has(self.minReplicas) && self.minReplicas == 0)");
        autoscaling.Required.Should().Equal("maxReplicas");
        autoscaling.Properties["kvCacheUsageHigh"].Maximum.Should().Be(1);
        spec.Properties["router"].Properties["holdTimeout"].Pattern.Should().Be(Durations.Pattern);
        autoscaling.Properties["scaleDownDelay"].Description.Should().EndWith("Default 5m.");
    }

    [Fact]
    public void Generate_AdaptersAreABoundedListWithUniqueNamesAndVllmsRanks()
    {
        var model = Spec.Properties["model"];
        var adapters = model.Properties["adapters"];
        var tuning = Spec.Properties["worker"].Properties["tuning"];
        var adapter = adapters.Items.Should().BeOfType<V1JSONSchemaProps>().Subject;

        adapters.Type.Should().Be("array");
        adapters.MaxItems.Should().Be(32);
        adapters.MaxLength.Should().BeNull("maxLength is for strings; a list is bounded by maxItems");
        adapter.Required.Should().Equal("name", "source");
        adapter.Properties["name"].Pattern.Should().Be(LoraAdapters.NamePattern);
        adapter.Properties["name"].MaxLength.Should().Be(64);
        adapter.Properties["source"].Pattern.Should().Be(ModelSource.Pattern);
        adapter.XKubernetesValidations.Should().ContainSingle().Which.Rule.Should().Be("self.source != 'demo'");
        model.XKubernetesValidations.Select(rule => rule.Rule).Should().Contain(rule => rule.Contains("exists_one(b, b.name == a.name)"));
        model.XKubernetesValidations.Select(rule => rule.Rule).Should().Contain(rule => rule.Contains("a.name != self.servedName"));
        tuning.Properties["maxLoraRank"].EnumProperty.Should().Equal(8, 16, 32, 64, 128, 256, 320, 512);
        tuning.Properties["maxLoras"].Minimum.Should().Be(1);
        Spec.XKubernetesValidations.Should().ContainSingle(rule => rule.Rule.Contains("maxLoraRank") && rule.Message.Contains("add model.adapters"));
    }
}
