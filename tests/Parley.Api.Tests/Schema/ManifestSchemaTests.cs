using Parley.Api.Serialization;
using Parley.Api.Spec;
using Parley.Testing;

namespace Parley.Api.Tests.Schema;

public class ManifestSchemaTests
{
    public static TheoryData<string> Samples() => new(RepositoryPaths.Files("samples", "*.yaml").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_ValidatesAgainstTheGeneratedSchema(string file)
    {
        var errors = CrdSchemaValidator.Errors(File.ReadAllText(RepositoryPaths.Of("samples", file)));

        errors.Should().BeEmpty();
    }

    [Fact]
    public void ThreeLineSpec_IsValid()
    {
        CrdSchemaValidator.Errors(Manifest("  model:\n    source: Qwen/Qwen3-8B\n")).Should().BeEmpty();
    }

    [Theory]
    [InlineData("  model: {}\n", "/spec/model", "source")]
    [InlineData("  model:\n    source: not a model id\n", "/spec/model/source", "pattern")]
    [InlineData("  model:\n    source: a/b\n    dtype: bf16\n", "/spec/model/dtype", "enum")]
    [InlineData("  model:\n    source: a/b\n    quantization: int4\n", "/spec/model/quantization", "enum")]
    [InlineData("  model:\n    source: a/b\n  worker:\n    tuning:\n      gpuMemoryUtilization: 1.5\n", "/spec/worker/tuning/gpuMemoryUtilization", "maximum")]
    [InlineData("  model:\n    source: a/b\n  worker:\n    tuning:\n      maxModelLen: long\n", "/spec/worker/tuning/maxModelLen", "type")]
    [InlineData("  model:\n    source: a/b\n  worker:\n    tuning:\n      mode: automatic\n", "/spec/worker/tuning/mode", "enum")]
    [InlineData("  model:\n    source: a/b\n  worker:\n    replicas: -1\n", "/spec/worker/replicas", "minimum")]
    [InlineData("  model:\n    source: a/b\n  worker:\n    gpus: 1\n", "/spec/worker/gpus", "")]
    [InlineData("  model:\n    source: a/b\n  worker:\n    gpu:\n      count: 1.5\n", "/spec/worker/gpu/count", "")]
    [InlineData("  model:\n    source: a/b\n  ui:\n    persistence:\n      size: lots\n", "/spec/ui/persistence/size", "pattern")]
    [InlineData("  model:\n    source: a/b\n  monitoring:\n    serviceMonitor: true\n", "/spec/monitoring/serviceMonitor", "")]
    [InlineData("  model:\n    source: a/b\n  ui:\n    service:\n      type: External\n", "/spec/ui/service/type", "enum")]
    [InlineData("  model:\n    source: pvc://claim/../../etc\n", "/spec/model/source", "pattern")]
    [InlineData("  model:\n    source: \"pvc://claim/mo\\u0007dels\"\n", "/spec/model/source", "pattern")]
    [InlineData("  model:\n    source: a/b\n  worker:\n    replicas: 2147483647\n", "/spec/worker/replicas", "maximum")]
    [InlineData("  model:\n    source: a/b\n    adapters:\n    - name: a/b\n      source: org/a\n", "/spec/model/adapters/0/name", "pattern")]
    [InlineData("  model:\n    source: a/b\n    adapters:\n    - name: sql\n", "/spec/model/adapters/0", "source")]
    [InlineData("  model:\n    source: a/b\n    adapters:\n    - name: sql\n      source: not a source\n", "/spec/model/adapters/0/source", "pattern")]
    [InlineData("  model:\n    source: a/b\n  worker:\n    tuning:\n      maxLoraRank: 24\n", "/spec/worker/tuning/maxLoraRank", "enum")]
    [InlineData("  model:\n    source: a/b\n  worker:\n    tuning:\n      maxLoras: 0\n", "/spec/worker/tuning/maxLoras", "minimum")]
    [InlineData("  model:\n    source: a/b\n  worker:\n    resources:\n      limits:\n        cpu: lots\n", "/spec/worker/resources/limits/cpu", "pattern")]
    [InlineData("  model:\n    source: a/b\n  worker:\n    affinity:\n      nodeAffinity: oops\n", "/spec/worker/affinity/nodeAffinity", "type")]
    [InlineData("  model:\n    source: a/b\n  worker:\n    affinity:\n      podAntiAffinity:\n        requiredDuringSchedulingIgnoredDuringExecution: oops\n",
        "/spec/worker/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution", "type")]
    public void InvalidManifest_IsRejectedNamingTheField(string spec, string location, string keyword)
    {
        var errors = CrdSchemaValidator.Errors(Manifest(spec));

        errors.Should().Contain(error => error.StartsWith(location + ":", StringComparison.Ordinal) && error.Contains(keyword, StringComparison.Ordinal),
            "the error must point at the field a person has to change");
    }

    [Fact]
    public void InlineTemplateLongerThanTheCap_IsRejected()
    {
        var manifest = YamlJson.ParseDocuments(Manifest("  model:\n    source: a/b\n    chatTemplate:\n      inline: x\n")).Single();
        manifest["spec"]!["model"]!["chatTemplate"]!["inline"] = new string('x', ChatTemplateSpec.MaxInlineLength + 1);

        CrdSchemaValidator.Errors(manifest).Should().Contain(error => error.StartsWith("/spec/model/chatTemplate/inline:", StringComparison.Ordinal)
            && error.Contains("maxLength", StringComparison.Ordinal));
    }

    [Fact]
    public void ManifestWithoutSpec_IsRejected()
    {
        var errors = CrdSchemaValidator.Errors("apiVersion: parley.dev/v1alpha1\nkind: ChatDeployment\nmetadata:\n  name: x\n");

        errors.Should().Contain(error => error.Contains("spec", StringComparison.Ordinal));
    }

    private static string Manifest(string spec) =>
        $"apiVersion: parley.dev/v1alpha1\nkind: ChatDeployment\nmetadata:\n  name: chat\nspec:\n{spec}";
}
