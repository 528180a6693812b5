using k8s.Models;
using Parley.Api.Spec;
using Parley.Operator.Resources;

namespace Parley.Operator.Tests.Resources;

public class WorkerDeploymentTests
{
    private static V1Container Container(V1Deployment deployment) => deployment.Spec.Template.Spec.Containers.Single();

    [Fact]
    public void Build_RequestsOneGpuOnThePlannedProduct()
    {
        var deployment = WorkerDeployment.Build(TestChats.Context(TestChats.Chat()));
        var pod = deployment.Spec.Template.Spec;

        Container(deployment).Resources.Limits["nvidia.com/gpu"].ToString().Should().Be("1");
        pod.NodeSelector.Should().Contain("nvidia.com/gpu.product", "NVIDIA-GeForce-RTX-3060");
        pod.Tolerations.Should().ContainSingle(t => t.Key == "nvidia.com/gpu" && t.OperatorProperty == "Exists" && t.Effect == "NoSchedule");
    }

    [Fact]
    public void Build_PassesTheTunedValuesAsVllmFlags()
    {
        var args = Container(WorkerDeployment.Build(TestChats.Context(TestChats.Chat()))).Args;

        args.Should().ContainInConsecutiveOrder("--model", "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B");
        args.Should().ContainInConsecutiveOrder("--max-model-len", "58064");
        args.Should().ContainInConsecutiveOrder("--gpu-memory-utilization", "0.89");
        args.Should().ContainInConsecutiveOrder("--max-num-seqs", "112");
        args.Should().ContainInConsecutiveOrder("--served-model-name", "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B");
        args.Should().ContainInConsecutiveOrder("--reasoning-parser", "deepseek_r1");
        args.Should().Contain("--enable-prefix-caching").And.NotContain("--quantization").And.NotContain("--chat-template");
    }

    [Fact]
    public void Build_GptqCheckpoint_AddsTheQuantizationFlag()
    {
        var args = Container(WorkerDeployment.Build(TestChats.Context(TestChats.Chat("TechxGENus/Meta-Llama-3-8B-Instruct-GPTQ")))).Args;

        args.Should().ContainInConsecutiveOrder("--quantization", "gptq").And.ContainInConsecutiveOrder("--dtype", "float16");
        args.Should().NotContain("--reasoning-parser");
    }

    [Fact]
    public void Build_HasProbesForASlowLoadAndKeepsTheTerminationMessage()
    {
        var container = Container(WorkerDeployment.Build(TestChats.Context(TestChats.Chat())));

        container.StartupProbe.HttpGet.Path.Should().Be("/health");
        (container.StartupProbe.PeriodSeconds * container.StartupProbe.FailureThreshold).Should().BeGreaterThanOrEqualTo(1800);
        container.ReadinessProbe.HttpGet.Path.Should().Be("/health");
        container.LivenessProbe.HttpGet.Path.Should().Be("/health");
        container.TerminationMessagePolicy.Should().Be("FallbackToLogsOnError");
    }

    [Fact]
    public void Build_RunsNonRootWithSharedMemoryInRam()
    {
        var deployment = WorkerDeployment.Build(TestChats.Context(TestChats.Chat()));
        var pod = deployment.Spec.Template.Spec;

        pod.SecurityContext.RunAsNonRoot.Should().BeTrue();
        Container(deployment).SecurityContext.ReadOnlyRootFilesystem.Should().BeTrue();
        Container(deployment).SecurityContext.Capabilities.Drop.Should().Equal("ALL");
        pod.Volumes.Should().ContainSingle(v => v.Name == "dshm" && v.EmptyDir.Medium == "Memory");
        Container(deployment).VolumeMounts.Should().Contain(m => m.MountPath == "/dev/shm").And.Contain(m => m.MountPath == "/tmp");
        pod.AutomountServiceAccountToken.Should().BeFalse();
        pod.TerminationGracePeriodSeconds.Should().BePositive();
    }

    [Fact]
    public void Build_LeavesReplicasUnsetUnlessTheSpecSetsThem()
    {
        var chat = TestChats.Chat();
        WorkerDeployment.Build(TestChats.Context(chat)).Spec.Replicas.Should().BeNull();

        chat.Spec.Worker = new WorkerSpec { Replicas = 3 };
        WorkerDeployment.Build(TestChats.Context(chat)).Spec.Replicas.Should().Be(3);
    }

    [Fact]
    public void Build_ReadsKeysFromSecretsNeverFromArgs()
    {
        var chat = TestChats.Chat();
        chat.Spec.Model.HfTokenSecretRef = new V1SecretKeySelector { Name = "hf", Key = "token" };
        var container = Container(WorkerDeployment.Build(TestChats.Context(chat)));

        container.Env.Should().ContainSingle(e => e.Name == "VLLM_API_KEY" && e.ValueFrom.SecretKeyRef.Name == "chat-credentials" && e.ValueFrom.SecretKeyRef.Key == "api-key");
        container.Env.Should().ContainSingle(e => e.Name == "HF_TOKEN" && e.ValueFrom.SecretKeyRef.Name == "hf");
        container.Args.Should().NotContain("--api-key");
    }

    [Fact]
    public void Build_UserApiKeySecret_IsUsedInsteadOfTheGeneratedOne()
    {
        var chat = TestChats.Chat();
        chat.Spec.Worker = new WorkerSpec { ApiKeySecretRef = new V1SecretKeySelector { Name = "mine", Key = "key" } };

        Container(WorkerDeployment.Build(TestChats.Context(chat))).Env
            .Should().ContainSingle(e => e.Name == "VLLM_API_KEY" && e.ValueFrom.SecretKeyRef.Name == "mine");
    }

    [Fact]
    public void Build_ModelOnAClaim_MountsItReadOnlyAndPointsTheWorkerAtIt()
    {
        var deployment = WorkerDeployment.Build(TestChats.Context(TestChats.Chat("pvc://models/r1/DeepSeek-R1-Distill-Qwen-1.5B")));

        Container(deployment).Args.Should().ContainInConsecutiveOrder("--model", "/mnt/model/r1/DeepSeek-R1-Distill-Qwen-1.5B").And.NotContain("--revision");
        deployment.Spec.Template.Spec.Volumes.Should().ContainSingle(v => v.PersistentVolumeClaim != null && v.PersistentVolumeClaim.ClaimName == "models" && v.PersistentVolumeClaim.ReadOnlyProperty == true);
    }

    [Fact]
    public void Build_TemplateFromAConfigMap_IsMountedUnderTheFixedFileName()
    {
        var chat = TestChats.Chat();
        chat.Spec.Model.ChatTemplate = new ChatTemplateSpec { ConfigMapRef = new V1ConfigMapKeySelector { Name = "templates", Key = "r1.jinja" } };
        var deployment = WorkerDeployment.Build(TestChats.Context(chat));

        Container(deployment).Args.Should().ContainInConsecutiveOrder("--chat-template", "/etc/parley/chat-template/chat_template.jinja");
        var volume = deployment.Spec.Template.Spec.Volumes.Single(v => v.ConfigMap != null);
        volume.ConfigMap.Name.Should().Be("templates");
        volume.ConfigMap.Items.Single().Path.Should().Be("chat_template.jinja");
    }

    [Fact]
    public void Build_UserPodSettings_AreAddedToOurs()
    {
        var chat = TestChats.Chat();
        chat.Spec.Worker = new WorkerSpec
        {
            NodeSelector = new Dictionary<string, string> { ["zone"] = "a" },
            Tolerations = [new V1Toleration { Key = "dedicated", OperatorProperty = "Exists" }],
            Env = [new V1EnvVar { Name = "EXTRA", Value = "1" }],
            PriorityClassName = "high",
        };
        var pod = WorkerDeployment.Build(TestChats.Context(chat)).Spec.Template.Spec;

        pod.NodeSelector.Should().HaveCount(2);
        pod.Tolerations.Should().HaveCount(2);
        pod.Containers[0].Env.Should().Contain(e => e.Name == "EXTRA");
        pod.PriorityClassName.Should().Be("high");
    }
}
