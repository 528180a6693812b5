// `parley-operator crd`: the ChatDeployment CRD as YAML, generated from the C# types.
using System.CommandLine;
using Parley.Api.Schema;
using Parley.Api.Serialization;

namespace Parley.Operator.Cli;

/// <summary>The crd command.</summary>
public static class CrdCommand
{
    /// <summary>The first line of the generated file.</summary>
    public const string Header = "# Generated from src/Parley.Api by `parley-operator crd`; do not edit. A test fails when this file is stale.\n";

    public static Command Create()
    {
        var command = new Command("crd", "Print the ChatDeployment CustomResourceDefinition.");
        command.SetAction(result =>
        {
            result.InvocationConfiguration.Output.Write(Render());
            return 0;
        });
        return command;
    }

    public static string Render() => Header + Manifests.ToYaml([CrdGenerator.Generate()]);
}
