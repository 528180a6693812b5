using k8s.Models;
using Parley.Api.Spec;

namespace Parley.Api.Tests;

public class ValidationTests
{
    [Fact]
    public void Validate_MinimalChat_HasNoErrors()
    {
        Validation.Validate(Chat()).Should().BeEmpty();
    }

    [Theory]
    [InlineData("Chat")]
    [InlineData("1chat")]
    [InlineData("chat-")]
    [InlineData("a-name-that-is-too-long-for-the-chat-template-name")]
    public void Validate_NameThatCannotNameAService_IsRejected(string name)
    {
        var chat = Chat();
        chat.Metadata.Name = name;

        Validation.Validate(chat).Should().ContainSingle(error => error.Path == "metadata.name");
    }

    [Theory]
    [InlineData("2", "tensor parallelism")]
    [InlineData("two", "use auto or 1")]
    [InlineData("0", "use auto or 1")]
    public void Validate_GpuCountOtherThanOneOrAuto_IsRejectedWithAdvice(string count, string advice)
    {
        var chat = Chat();
        chat.Spec.Worker = new WorkerSpec { Gpu = new GpuSpec { Count = count } };

        Validation.Validate(chat).Should().ContainSingle(error => error.Path == "spec.worker.gpu.count" && error.Message.Contains(advice));
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("1")]
    public void Validate_GpuCountAutoOrOne_IsAccepted(string count)
    {
        var chat = Chat();
        chat.Spec.Worker = new WorkerSpec { Gpu = new GpuSpec { Count = count } };

        Validation.Validate(chat).Should().BeEmpty();
    }

    [Fact]
    public void Validate_ManualModeWithoutValues_AsksForThem()
    {
        var chat = Chat();
        chat.Spec.Worker = new WorkerSpec { Tuning = new TuningSpec { Mode = TuningMode.Manual, MaxModelLen = 4096 } };

        Validation.Validate(chat).Should().ContainSingle(error => error.Path == "spec.worker.tuning" && error.Message.Contains("gpuMemoryUtilization"));
    }

    [Fact]
    public void Validate_TargetConcurrencyAboveMaxNumSeqs_IsRejected()
    {
        var chat = Chat();
        chat.Spec.Worker = new WorkerSpec { Tuning = new TuningSpec { MaxNumSeqs = 2, TargetConcurrency = 8 } };

        Validation.Validate(chat).Should().ContainSingle(error => error.Path == "spec.worker.tuning.targetConcurrency");
    }

    [Fact]
    public void Validate_TemplateInlineAndByReference_IsRejected()
    {
        var chat = Chat();
        chat.Spec.Model.ChatTemplate = new ChatTemplateSpec { Inline = "{{ x }}", ConfigMapRef = new V1ConfigMapKeySelector { Name = "t", Key = "k" } };

        Validation.Validate(chat).Should().ContainSingle(error => error.Path == "spec.model.chatTemplate");
    }

    [Fact]
    public void Validate_CacheClaimAndSize_IsRejected()
    {
        var chat = Chat();
        chat.Spec.Worker = new WorkerSpec { Cache = new ModelCacheSpec { ClaimName = "models", Size = "10Gi" } };

        Validation.Validate(chat).Should().ContainSingle(error => error.Path == "spec.worker.cache");
    }

    [Fact]
    public void Validate_KvHeadsThatDoNotDivideHeads_IsRejected()
    {
        var chat = Chat();
        chat.Spec.Model.Architecture = new ArchitectureOverrides { NumAttentionHeads = 12, NumKeyValueHeads = 5 };

        Validation.Validate(chat).Should().ContainSingle(error => error.Path == "spec.model.architecture.numKeyValueHeads");
    }

    [Fact]
    public void Validate_IngressWithoutHost_IsRejected()
    {
        var chat = Chat();
        chat.Spec.Ui = new UiSpec { Ingress = new UiIngressSpec { Enabled = true } };

        Validation.Validate(chat).Should().ContainSingle(error => error.Path == "spec.ui.ingress.host");
    }

    [Fact]
    public void Validate_BadSource_NamesTheAcceptedForms()
    {
        var chat = Chat();
        chat.Spec.Model.Source = "just-a-name";

        Validation.Validate(chat).Should().ContainSingle(error => error.Path == "spec.model.source" && error.Message.Contains("pvc://claim/path"));
    }

    [Theory]
    [InlineData("pvc://claim/../../etc", "'..' segment")]
    [InlineData("pvc://claim/models\n", "control character")]
    [InlineData("Qwen/Qwen3-8B\n", "control character")]
    public void Validate_SourceThatWouldLeaveTheClaimOrHidesAControlCharacter_IsRejected(string source, string reason)
    {
        var chat = Chat();
        chat.Spec.Model.Source = source;

        Validation.Validate(chat).Should().ContainSingle(error => error.Path == "spec.model.source" && error.Message.Contains(reason));
    }

    [Theory]
    [InlineData("VLLM_API_KEY", "apiKeySecretRef")]
    [InlineData("HF_HOME", "spec.worker.cache")]
    [InlineData("HF_TOKEN", "hfTokenSecretRef")]
    public void Validate_EnvOverridingAnOperatorVariable_IsRejectedNamingIt(string name, string instead)
    {
        var chat = Chat();
        chat.Spec.Worker = new WorkerSpec { Env = [new V1EnvVar { Name = "LOG_LEVEL", Value = "debug" }, new V1EnvVar { Name = name, Value = "" }] };

        Validation.Validate(chat).Should().ContainSingle(error => error.Path == "spec.worker.env[1].name"
            && error.Message.Contains(name) && error.Message.Contains(instead));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void Validate_ReplicasOutsideTheSchemaRange_IsRejected(int replicas)
    {
        var chat = Chat();
        chat.Spec.Worker = new WorkerSpec { Replicas = replicas };

        Validation.Validate(chat).Should().ContainSingle(error => error.Path == "spec.worker.replicas" && error.Message.Contains("0 to 1000"));
    }

    [Fact]
    public void Validate_InlineTemplateLongerThanTheCap_IsRejected()
    {
        var chat = Chat();
        chat.Spec.Model.ChatTemplate = new ChatTemplateSpec { Inline = new string('x', ChatTemplateSpec.MaxInlineLength + 1) };

        Validation.Validate(chat).Should().ContainSingle(error => error.Path == "spec.model.chatTemplate.inline" && error.Message.Contains("at most 262,144"));
    }

    [Theory]
    [InlineData("OPENAI_API_KEY", "OPENAI_API_KEY is set by the operator")]
    [InlineData("ENABLE_SIGNUP", "ENABLE_SIGNUP is set by the operator")]
    [InlineData("", "is required")]
    public void Validate_UiEnvThatTheOperatorOwnsOrThatHasNoName_IsRejected(string name, string message)
    {
        var chat = Chat();
        chat.Spec.Ui = new UiSpec { Env = [new V1EnvVar { Name = "TASK_MODEL", Value = "x" }, new V1EnvVar { Name = name, Value = "y" }] };

        Validation.Validate(chat).Should().ContainSingle(error => error.Path == "spec.ui.env[1].name" && error.Message.Contains(message));
    }

    [Fact]
    public void Validate_UiEnvGivenTwice_IsRejected_OtherwiseAccepted()
    {
        var chat = Chat();
        chat.Spec.Ui = new UiSpec { Env = [new V1EnvVar { Name = "TASK_MODEL", Value = "x" }, new V1EnvVar { Name = "RAG_TOP_K", Value = "5" }] };
        Validation.Validate(chat).Should().BeEmpty();

        chat.Spec.Ui.Env.Add(new V1EnvVar { Name = "TASK_MODEL", Value = "z" });
        Validation.Validate(chat).Should().ContainSingle(error => error.Path == "spec.ui.env[2].name" && error.Message.Contains("given twice"));
    }

    [Fact]
    public void Validate_PatternFieldWithATrailingNewline_IsRejected()
    {
        var chat = Chat();
        chat.Spec.Model.Revision = "main\n";

        Validation.Validate(chat).Should().ContainSingle(error => error.Path == "spec.model.revision");
    }

    private static ChatDeployment Chat() => new()
    {
        Metadata = new V1ObjectMeta { Name = "chat", NamespaceProperty = "default" },
        Spec = new ChatDeploymentSpec { Model = new ModelSpec { Source = "Qwen/Qwen3-8B" } },
    };
}
