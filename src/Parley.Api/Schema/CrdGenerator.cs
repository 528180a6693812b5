// The ChatDeployment CustomResourceDefinition, generated from the C# types so the two cannot drift apart.
using k8s.Models;
using Parley.Api.Spec;
using Parley.Api.Status;

namespace Parley.Api.Schema;

/// <summary>Generates the ChatDeployment CRD: structural schema, status subresource, printer columns and short name.</summary>
public static class CrdGenerator
{
    /// <summary>The CRD's object name, <c>plural.group</c>.</summary>
    public const string CrdName = ChatDeployment.Plural + "." + ChatDeployment.Group;

    /// <summary>Builds the CRD from the types and their XML documentation.</summary>
    public static V1CustomResourceDefinition Generate()
    {
        var builder = new OpenApiSchemaBuilder(XmlDocumentation.For(typeof(ChatDeployment).Assembly));
        var schema = new V1JSONSchemaProps
        {
            Type = "object",
            Description = XmlDocumentation.For(typeof(ChatDeployment).Assembly).Of(typeof(ChatDeployment)),
            Required = ["spec"],
            Properties = new Dictionary<string, V1JSONSchemaProps>
            {
                ["apiVersion"] = new() { Type = "string" },
                ["kind"] = new() { Type = "string" },
                ["metadata"] = new() { Type = "object" },
                ["spec"] = builder.For(typeof(ChatDeploymentSpec)),
                ["status"] = builder.For(typeof(ChatDeploymentStatus)),
            },
        };

        return new V1CustomResourceDefinition
        {
            ApiVersion = "apiextensions.k8s.io/v1",
            Kind = "CustomResourceDefinition",
            Metadata = new V1ObjectMeta
            {
                Name = CrdName,
                Labels = new Dictionary<string, string> { ["app.kubernetes.io/part-of"] = "parley" },
            },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = ChatDeployment.Group,
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames
                {
                    Kind = ChatDeployment.KindValue,
                    ListKind = ChatDeployment.KindValue + "List",
                    Plural = ChatDeployment.Plural,
                    Singular = ChatDeployment.Singular,
                    ShortNames = [ChatDeployment.ShortName],
                    Categories = ["parley"],
                },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = ChatDeployment.Version,
                        Served = true,
                        Storage = true,
                        Schema = new V1CustomResourceValidation { OpenAPIV3Schema = schema },
                        Subresources = new V1CustomResourceSubresources { Status = new Dictionary<string, object>() },
                        AdditionalPrinterColumns = PrinterColumns(),
                    },
                ],
            },
        };
    }

    private static List<V1CustomResourceColumnDefinition> PrinterColumns() =>
    [
        new() { Name = "Model", Type = "string", JsonPath = ".spec.model.source", Description = "The model served." },
        new() { Name = "GPU", Type = "string", JsonPath = ".status.tuning.gpuProduct", Description = "The GPU product chosen." },
        new() { Name = "Context", Type = "integer", JsonPath = ".status.tuning.maxModelLen", Description = "The tuned max model length in tokens." },
        new() { Name = "Ready", Type = "string", JsonPath = ".status.conditions[?(@.type==\"Ready\")].status", Description = "Whether the deployment serves." },
        new() { Name = "Age", Type = "date", JsonPath = ".metadata.creationTimestamp" },
        new() { Name = "Phase", Type = "string", JsonPath = ".status.phase", Priority = 1 },
        new() { Name = "Utilization", Type = "number", JsonPath = ".status.tuning.gpuMemoryUtilization", Priority = 1 },
        new() { Name = "Seqs", Type = "integer", JsonPath = ".status.tuning.maxNumSeqs", Priority = 1 },
    ];
}
