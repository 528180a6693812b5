using FluentAssertions;
using k8s.Models;
using Parley.Api;
using Parley.Api.Serialization;
using Parley.Api.Spec;
using Parley.Operator.Planning;
using Parley.Operator.Resources;
using Parley.Testing;
using Parley.Tuning;
using Parley.Tuning.Catalog;

namespace Parley.Testing.Operator;

/// <summary>ChatDeployments, plans and build contexts for builder tests.</summary>
public static class TestChats
{
    public const string Uid = "7d1f2c9e-0000-4000-8000-000000000001";

    public static ChatDeployment Chat(string source = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", string name = "chat") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "team-a", Uid = Uid },
        Spec = new ChatDeploymentSpec { Model = new ModelSpec { Source = source } },
    };

    /// <summary>A ChatDeployment as a user applies it (no uid): r1 in team-a, the integration tests' usual one.</summary>
    public static ChatDeployment Applied(string source = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B") => new()
    {
        Metadata = new V1ObjectMeta { Name = "r1", NamespaceProperty = "team-a" },
        Spec = new ChatDeploymentSpec { Model = new ModelSpec { Source = source } },
    };

    public static ChatDeployment Sample(string file)
    {
        var chat = Manifests.ReadAll<ChatDeployment>(File.ReadAllText(RepositoryPaths.Of("samples", file)), ChatDeployment.KindValue).Single();
        chat.Metadata.NamespaceProperty ??= "default";
        chat.Metadata.Uid = Uid;
        return chat;
    }

    public static GpuInventory Nodes(string file) =>
        NodeInventory.Read(Manifests.ReadAll<V1Node>(File.ReadAllText(RepositoryPaths.Of("samples", "nodes", file)), "Node"));

    public static BuildContext Context(ChatDeployment chat, string gpu = "rtx-3060-12gb", OperatorDefaults? defaults = null) =>
        Context(chat, GpuInventory.Of(GpuCatalog.Find(gpu)!), defaults);

    public static BuildContext Context(ChatDeployment chat, GpuInventory inventory, OperatorDefaults? defaults = null)
    {
        var result = Planner.Plan(Defaults.Apply(chat.Spec), inventory);
        result.Refusal.Should().BeNull();
        return BuildContext.For(chat, result.Plan!, defaults ?? OperatorDefaults.Standard);
    }

    /// <summary>A key generator that counts, so rendered Secrets are reproducible.</summary>
    public static Func<string> CountingKeys()
    {
        var n = 0;
        return () => $"test-key-{++n}";
    }
}
