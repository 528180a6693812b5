// `parley-operator dev -f samples/dev-demo.yaml`: the whole product on one machine, without Kubernetes or a GPU. An
// in-memory API server, a GPU node, the CRD and the ChatDeployments of the file, this operator reconciling them
// in-process, and the local kubelet running the pods it creates as processes (workers on the CPU). Prints where to chat
// and keeps running until Ctrl+C, then stops every process it started.
using System.CommandLine;
using System.Text.Json.Nodes;
using Parley.Api.Serialization;

namespace Parley.Operator.Cli;

/// <summary>The dev command.</summary>
public static class DevCommand
{
    public static Command Create()
    {
        var file = new Option<FileInfo>("--filename", "-f") { Description = "YAML file with one or more ChatDeployments (model.source: demo runs the worker's built-in model).", Required = true };
        var nodes = new Option<FileInfo?>("--nodes") { Description = "YAML file with the Nodes to pretend (samples/nodes/*.yaml); default: one node with an NVIDIA L4." };
        var verbose = new Option<bool>("--verbose") { Description = "Print what the workers and the operator log." };
        var command = new Command("dev", "Run ChatDeployments on this machine: an in-memory cluster, the operator, and workers as local processes.") { file, nodes, verbose };
        command.SetAction(async (result, cancellationToken) =>
        {
            var config = result.InvocationConfiguration;
            if (Read(result.GetValue(file)!, result.GetValue(nodes), config.Error) is not { } input)
            {
                return ParleyCli.InvalidInput;
            }

            return await DevRun.RunAsync(input.Chats, input.Nodes, result.GetValue(verbose), config.Output, config.Error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static (List<JsonObject> Chats, List<JsonObject> Nodes)? Read(FileInfo chatFile, FileInfo? nodesFile, TextWriter error)
    {
        try
        {
            var chats = Documents(chatFile, "ChatDeployment");
            var nodes = nodesFile is null ? [] : Documents(nodesFile, "Node");
            if (chats.Count == 0)
            {
                error.WriteLine($"{chatFile.Name} holds no ChatDeployment.");
                return null;
            }

            chats.ForEach(LocalCheckpoint.CompleteArchitecture);
            return (chats, nodes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or System.Text.Json.JsonException or YamlDotNet.Core.YamlException)
        {
            error.WriteLine(e.Message);
            return null;
        }
    }

    private static List<JsonObject> Documents(FileInfo file, string kind) =>
        YamlJson.ParseDocuments(File.ReadAllText(file.FullName)).OfType<JsonObject>().Where(document => document["kind"]?.GetValue<string>() == kind).ToList();
}
