using System.Text.RegularExpressions;
using k8s.Models;
using Parley.Api;
using Parley.Api.Serialization;
using Parley.Testing;

namespace Parley.Chart.Tests.Chart;

/// <summary>Every command of the README's "Install on a cluster" section, run or checked without a cluster: helm
/// commands run for real (an install as the equivalent `helm template`), kubectl commands are checked against what the
/// chart and the operator create for the sample they apply.</summary>
public partial class ReadmeInstallTests
{
    private const string Section = "## Install on a cluster";

    [Fact]
    public void InstallSection_EveryCommandWorksAgainstTheChartAndTheOperator()
    {
        var commands = Commands();
        var applied = new List<ChatDeployment>();

        commands.Should().Contain(c => c.StartsWith("helm install", StringComparison.Ordinal));
        foreach (var command in commands)
        {
            var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (words)
            {
                case ["helm", "install", .. var rest]:
                    Helm.Run(["template", .. rest]).Should().Match<HelmResult>(r => r.ExitCode == 0, command);
                    break;
                case ["helm", "template" or "lint", ..]:
                    Helm.Run(words[1..]).Should().Match<HelmResult>(r => r.ExitCode == 0, command);
                    break;
                case ["kubectl", "apply", "-f", var file]:
                    applied.Add(Manifests.ReadAll<ChatDeployment>(File.ReadAllText(RepositoryPaths.Of(file)), ChatDeployment.KindValue).Single());
                    break;
                case ["kubectl", "get", "chat", ..]:
                    File.ReadAllText(RepositoryPaths.Of("crds/parley.dev_chatdeployments.yaml")).Should().Contain("shortNames:\n    - chat", command);
                    break;
                case ["kubectl", "describe", "chat", var name]:
                    applied.Select(c => c.Metadata.Name).Should().Contain(name, command);
                    break;
                case ["kubectl", "port-forward", var target, var ports]:
                    var remote = int.Parse(ports.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
                    ServicesOf(applied).Should().Contain(s => $"service/{s.Metadata.Name}" == target && s.Spec.Ports.Any(p => p.Port == remote), command);
                    break;
                case ["kubectl", "get", "secret", var name, "-o", var path, "|", "base64", "-d"]:
                    var key = path.Replace("jsonpath='{.data.", "", StringComparison.Ordinal).Replace("}'", "", StringComparison.Ordinal);
                    SecretsOf(applied).Should().Contain(s => s.Metadata.Name == name && s.Data.ContainsKey(key), command);
                    break;
                default:
                    Assert.Fail($"The README command '{command}' has no check here; add one.");
                    break;
            }
        }
    }

    [Fact]
    public void InstallSection_FindsCommandsInCodeBlocksAndInlineCode()
    {
        var commands = Commands();

        commands.Should().Contain("kubectl get chat -w").And.Contain("helm lint charts/parley")
            .And.NotContain(c => c.StartsWith('#'));
    }

    /// <summary>The section's commands: lines of its bash blocks (comments dropped) and inline code that starts with helm or kubectl.</summary>
    private static List<string> Commands()
    {
        var readme = File.ReadAllText(RepositoryPaths.Of("README.md"));
        var start = readme.IndexOf(Section, StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, $"README.md has a '{Section}' section");
        var end = readme.IndexOf("\n## ", start + Section.Length, StringComparison.Ordinal);
        var text = readme[start..(end < 0 ? readme.Length : end)];

        var fromBlocks = CodeBlock().Matches(text).SelectMany(m => m.Groups[1].Value.Split('\n'))
            .Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#'));
        var inline = InlineCode().Matches(CodeBlock().Replace(text, "")).Select(m => m.Groups[1].Value)
            .Where(code => code.StartsWith("helm ", StringComparison.Ordinal) || code.StartsWith("kubectl ", StringComparison.Ordinal));
        return fromBlocks.Concat(inline).ToList();
    }

    /// <summary>The Services the operator renders for the applied ChatDeployments on a 12 GB GPU node.</summary>
    private static IReadOnlyList<V1Service> ServicesOf(IReadOnlyList<ChatDeployment> applied) => Manifests.ReadAll<V1Service>(Rendered(applied), "Service");

    private static IReadOnlyList<V1Secret> SecretsOf(IReadOnlyList<ChatDeployment> applied) => Manifests.ReadAll<V1Secret>(Rendered(applied), "Secret");

    // What the operator would apply for these ChatDeployments on the sample RTX 3060 node.
    private static string Rendered(IReadOnlyList<ChatDeployment> applied)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, Manifests.ToYaml(applied));
            var result = CliRunner.Run("render", "-f", file, "--nodes", RepositoryPaths.Of("samples", "nodes", "rtx3060.yaml"));
            result.ExitCode.Should().Be(0, result.Error);
            return result.Output;
        }
        finally
        {
            File.Delete(file);
        }
    }

    [GeneratedRegex(@"```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"`([^`\n]+)`")]
    private static partial Regex InlineCode();
}
