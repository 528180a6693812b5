// `parley-operator render`: the objects the operator would apply for ChatDeployments on a given set of nodes.
using System.CommandLine;
using System.Text.Json;
using k8s.Models;
using Parley.Api;
using Parley.Api.Serialization;
using Parley.Operator.Planning;
using Parley.Operator.Resources;
using Parley.Tuning;
using YamlDotNet.Core;

namespace Parley.Operator.Cli;

/// <summary>The render command.</summary>
public static class RenderCommand
{
    public static Command Create()
    {
        var file = new Option<FileInfo>("--filename", "-f") { Description = "YAML file with one or more ChatDeployments.", Required = true };
        var nodes = new Option<FileInfo>("--nodes") { Description = "YAML file with the cluster's Nodes (kubectl get nodes -o yaml).", Required = true };
        var workerImage = new Option<string>("--worker-image") { Description = "Default worker image.", DefaultValueFactory = _ => OperatorDefaults.DefaultWorkerImage };
        var uiImage = new Option<string>("--ui-image") { Description = "Default Open WebUI image.", DefaultValueFactory = _ => OperatorDefaults.DefaultUiImage };
        var routerImage = new Option<string>("--router-image") { Description = "Default router image.", DefaultValueFactory = _ => OperatorDefaults.DefaultRouterImage };
        var serviceMonitors = new Option<bool>("--service-monitor-crd") { Description = "Render as if the ServiceMonitor CRD were installed." };
        var command = new Command("render", "Print the objects the operator would apply, as multi-document YAML.") { file, nodes, workerImage, uiImage, routerImage, serviceMonitors };
        command.SetAction(result =>
        {
            var config = result.InvocationConfiguration;
            var defaults = new OperatorDefaults(result.GetValue(workerImage)!, result.GetValue(uiImage)!, result.GetValue(serviceMonitors))
            {
                RouterImage = result.GetValue(routerImage)!,
            };
            return Run(result.GetValue(file)!, result.GetValue(nodes)!, defaults, config.Output, config.Error);
        });
        return command;
    }

    private static int Run(FileInfo chatFile, FileInfo nodesFile, OperatorDefaults defaults, TextWriter output, TextWriter error)
    {
        IReadOnlyList<ChatDeployment> chats;
        IReadOnlyList<V1Node> nodes;
        try
        {
            chats = Manifests.ReadAll<ChatDeployment>(File.ReadAllText(chatFile.FullName), ChatDeployment.KindValue);
            nodes = Manifests.ReadAll<V1Node>(File.ReadAllText(nodesFile.FullName), "Node");
        }
        catch (Exception e) when (e is IOException or YamlException or JsonException or UnauthorizedAccessException)
        {
            error.WriteLine($"Cannot read input: {e.Message}");
            return ParleyCli.InvalidInput;
        }

        if (chats.Count == 0)
        {
            error.WriteLine($"{chatFile.Name} holds no {ChatDeployment.KindValue}.");
            return ParleyCli.InvalidInput;
        }

        var inventory = NodeInventory.Read(nodes);
        var documents = new List<object>();
        foreach (var chat in chats)
        {
            var exitCode = Render(chat, inventory, defaults, documents, error);
            if (exitCode != 0)
            {
                return exitCode;
            }
        }

        output.Write(Manifests.ToYaml(documents));
        return 0;
    }

    private static int Render(ChatDeployment chat, GpuInventory inventory, OperatorDefaults defaults, List<object> documents, TextWriter error)
    {
        var name = $"{ChatDeployment.KindValue} {chat.Metadata?.Name}";
        var errors = Validation.Validate(chat);
        if (errors.Count > 0)
        {
            error.WriteLine($"{name} is invalid:");
            foreach (var problem in errors)
            {
                error.WriteLine($"  {problem}");
            }

            return ParleyCli.InvalidInput;
        }

        var result = Planner.Plan(Defaults.Apply(chat.Spec), inventory);
        if (result.Refusal is { } refusal)
        {
            error.WriteLine($"{name}: {refusal.Reason}: {refusal.Message}");
            return ParleyCli.Refused;
        }

        error.WriteLine($"{name}: {PlanReport.From(result.Plan!).Summary}");
        documents.AddRange(Desired.For(BuildContext.For(chat, result.Plan!, defaults), existingCredentials: null, Credentials.NewKey));
        return 0;
    }
}
