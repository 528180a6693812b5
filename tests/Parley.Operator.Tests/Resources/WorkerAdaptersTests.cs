using k8s.Models;
using Parley.Api;
using Parley.Api.Spec;
using Parley.Operator.Resources;

namespace Parley.Operator.Tests.Resources;

public class WorkerAdaptersTests
{
    [Fact]
    public void Build_HubAdapters_AreOneLoraModulesListWithTheLimits()
    {
        var chat = WithAdapters("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", ("sql", "org/r1-sql-lora"), ("de", "hf://org/r1-german"));

        var args = Args(chat);

        // vLLM reads --lora-modules as one list: a second --lora-modules would replace the first.
        args.Should().ContainInConsecutiveOrder("--enable-lora", "--lora-modules", "sql=org/r1-sql-lora", "de=org/r1-german", "--max-loras", "2", "--max-lora-rank", "16");
        args.Count(arg => arg == "--lora-modules").Should().Be(1);
        args.Should().ContainInConsecutiveOrder("--port", "8000").And.EndWith("8000");
    }

    [Fact]
    public void Build_HubAdapterOfAModelOnAClaim_StillDownloadsIntoTheModelCache()
    {
        var chat = WithAdapters("pvc://models/deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", ("sql", "org/r1-sql-lora"));
        var context = TestChats.Context(chat);

        WorkerAdapters.Placements(context).Single().Path.Should().Be("org/r1-sql-lora");
        WorkerEnvironment.Build(context).Should().Contain(env => env.Name == "HF_HOME" && env.Value.StartsWith(WorkerArgs.ModelCachePath + "/", StringComparison.Ordinal),
            "vLLM downloads a hub adapter into HF_HOME, which must be on the model cache volume");
    }

    [Fact]
    public void Build_AdaptersOnTheBaseModelsClaim_ReuseItsMount()
    {
        var chat = WithAdapters("pvc://models/deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", ("sql", "pvc://models/adapters/sql"), ("whole", "pvc://models"));
        var deployment = WorkerDeployment.Build(TestChats.Context(chat));

        Container(deployment).Args.Should().ContainInConsecutiveOrder("--lora-modules", "sql=/mnt/model/adapters/sql", "whole=/mnt/model");
        deployment.Spec.Template.Spec.Volumes.Should().ContainSingle(volume => volume.PersistentVolumeClaim != null && volume.PersistentVolumeClaim.ClaimName == "models");
    }

    [Fact]
    public void Build_AdaptersOnOtherClaims_MountEachClaimOnceReadOnly()
    {
        var chat = WithAdapters("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B",
            ("sql", "pvc://lora-adapters/r1/sql"), ("de", "pvc://lora-adapters/r1/de"), ("legal", "pvc://legal-team/final/"));
        var deployment = WorkerDeployment.Build(TestChats.Context(chat));
        var pod = deployment.Spec.Template.Spec;

        Container(deployment).Args.Should().ContainInConsecutiveOrder("--lora-modules",
            "sql=/mnt/adapters/lora-adapters/r1/sql", "de=/mnt/adapters/lora-adapters/r1/de", "legal=/mnt/adapters/legal-team/final");
        pod.Volumes.Where(volume => volume.Name.StartsWith("adapters-", StringComparison.Ordinal))
            .Select(volume => (volume.Name, volume.PersistentVolumeClaim.ClaimName, volume.PersistentVolumeClaim.ReadOnlyProperty))
            .Should().Equal(("adapters-0", "lora-adapters", true), ("adapters-1", "legal-team", true));
        Container(deployment).VolumeMounts.Where(mount => mount.Name.StartsWith("adapters-", StringComparison.Ordinal))
            .Select(mount => (mount.Name, mount.MountPath, mount.ReadOnlyProperty))
            .Should().Equal(("adapters-0", "/mnt/adapters/lora-adapters", true), ("adapters-1", "/mnt/adapters/legal-team", true));
    }

    [Fact]
    public void Build_LocalFolderAdapter_IsPassedAsItsPath()
    {
        var chat = WithAdapters("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", ("mine", "file:///home/me/lora/"));

        Args(chat).Should().ContainInConsecutiveOrder("--lora-modules", "mine=/home/me/lora");
    }

    [Fact]
    public void Build_LoraLimitsFromTheSpec_AreRendered()
    {
        var chat = WithAdapters("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", ("sql", "org/a"));
        chat.Spec.Worker = new WorkerSpec { Tuning = new TuningSpec { MaxLoras = 3, MaxLoraRank = 64 } };

        Args(chat).Should().ContainInConsecutiveOrder("--max-loras", "3", "--max-lora-rank", "64");
    }

    [Fact]
    public void Build_WithoutAdapters_RendersNoLoraFlagOrVolume()
    {
        var deployment = WorkerDeployment.Build(TestChats.Context(TestChats.Chat()));

        Container(deployment).Args.Should().NotContain(arg => arg.Contains("lora", StringComparison.Ordinal));
        deployment.Spec.Template.Spec.Volumes.Should().NotContain(volume => volume.Name.StartsWith("adapters-", StringComparison.Ordinal));
    }

    private static ChatDeployment WithAdapters(string source, params (string Name, string Source)[] adapters)
    {
        var chat = TestChats.Chat(source);
        chat.Spec.Model.Adapters = [.. adapters.Select(adapter => new AdapterSpec { Name = adapter.Name, Source = adapter.Source })];
        return chat;
    }

    private static IList<string> Args(ChatDeployment chat) => Container(WorkerDeployment.Build(TestChats.Context(chat))).Args;

    private static V1Container Container(V1Deployment deployment) => deployment.Spec.Template.Spec.Containers.Single();
}
