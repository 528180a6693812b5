using Parley.Api.Spec;
using Parley.Operator.Resources;

namespace Parley.Operator.Tests.Resources;

public class UiDeploymentTests
{
    [Fact]
    public void Build_WiresOpenWebUiToTheWorker()
    {
        var env = UiDeployment.Build(TestChats.Context(TestChats.Chat()))!.Spec.Template.Spec.Containers.Single().Env.ToDictionary(e => e.Name);

        env["OPENAI_API_BASE_URL"].Value.Should().Be("http://chat-worker.team-a.svc:8000/v1");
        env["OPENAI_API_KEY"].ValueFrom.SecretKeyRef.Name.Should().Be("chat-credentials");
        env["OPENAI_API_KEY"].ValueFrom.SecretKeyRef.Key.Should().Be("api-key");
        env["ENABLE_OLLAMA_API"].Value.Should().Be("False");
        env["WEBUI_SECRET_KEY"].ValueFrom.SecretKeyRef.Key.Should().Be("webui-secret-key");
        env["DEFAULT_MODELS"].Value.Should().Be("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B");
        env["ENABLE_PERSISTENT_CONFIG"].Value.Should().Be("False");
        env["WEBUI_AUTH"].Value.Should().Be("True");
        env["BYPASS_MODEL_ACCESS_CONTROL"].Value.Should().Be("True", "every signed-in user must see the model, not only the first admin");
    }

    [Fact]
    public void Build_WithSignIn_StartsWithTheGeneratedAdminAndSignUpClosed()
    {
        var env = UiDeployment.Build(TestChats.Context(TestChats.Chat()))!.Spec.Template.Spec.Containers.Single().Env.ToDictionary(e => e.Name);

        env["WEBUI_ADMIN_EMAIL"].Value.Should().Be("admin@parley.local");
        env["WEBUI_ADMIN_PASSWORD"].ValueFrom.SecretKeyRef.Should().BeEquivalentTo(new { Name = "chat-credentials", Key = "webui-admin-password" });
        env["ENABLE_SIGNUP"].Value.Should().Be("False", "the first stranger to reach the UI must not become its admin");
    }

    [Fact]
    public void Build_WithoutSignIn_HasNoAdminAccount()
    {
        var chat = TestChats.Chat();
        chat.Spec.Ui = new UiSpec { Auth = false };

        var names = UiDeployment.Build(TestChats.Context(chat))!.Spec.Template.Spec.Containers.Single().Env.Select(e => e.Name);

        names.Should().NotContain(["WEBUI_ADMIN_EMAIL", "WEBUI_ADMIN_PASSWORD", "ENABLE_SIGNUP"]);
    }

    [Fact]
    public void Build_PassesSpecUiEnvThrough_AfterTheOperatorsOwn()
    {
        var chat = TestChats.Chat();
        chat.Spec.Ui = new UiSpec { Env = [new k8s.Models.V1EnvVar { Name = "TASK_MODEL", Value = "small" }] };

        var env = UiDeployment.Build(TestChats.Context(chat))!.Spec.Template.Spec.Containers.Single().Env;

        env[^1].Name.Should().Be("TASK_MODEL");
        env[^1].Value.Should().Be("small");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EveryVariableTheOperatorSets_IsOneSpecUiEnvCannotOverride(bool auth)
    {
        var chat = TestChats.Chat();
        chat.Spec.Ui = new UiSpec { Auth = auth };

        var names = UiDeployment.Build(TestChats.Context(chat))!.Spec.Template.Spec.Containers.Single().Env.Select(e => e.Name)
            .Where(name => name != UiDeployment.BuiltinToolsSwitch); // a default the user's own value replaces (below)

        UiSpec.OperatorOwnedEnv.Should().Contain(names, "a user's spec.ui.env must not be able to rewire the UI");
    }

    [Theory]
    [InlineData("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", false)]
    [InlineData("meta-llama/Meta-Llama-3-8B-Instruct", false)]
    [InlineData("meta-llama/Llama-3.1-8B-Instruct", true)]
    [InlineData("Qwen/Qwen3-0.6B", true)]
    public void Build_TurnsBuiltinToolsOff_ForAModelWhoseTemplateShowsNoTools(string model, bool rendersTools)
    {
        var env = UiDeployment.Build(TestChats.Context(TestChats.Chat(model), "a100-80gb"))!.Spec.Template.Spec.Containers.Single().Env;

        var metadata = env.SingleOrDefault(variable => variable.Name == UiDeployment.BuiltinToolsSwitch);
        if (rendersTools)
        {
            metadata.Should().BeNull("Open WebUI's native tool calls work against this model");
        }
        else
        {
            System.Text.Json.Nodes.JsonNode.Parse(metadata!.Value)!["capabilities"]!["builtin_tools"]!.GetValue<bool>().Should().BeFalse();
        }
    }

    [Theory]
    [InlineData("Qwen/Qwen3-0.6B", false, true)]
    [InlineData("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", true, false)]
    public void Build_WhatTheWorkerReportsAboutItsTemplate_WinsOverTheCatalog(string model, bool measured, bool metadataExpected)
    {
        var chat = TestChats.Chat(model);
        chat.Status = new Parley.Api.Status.ChatDeploymentStatus { Measured = new Parley.Api.Status.MeasuredStatus { TemplateRendersTools = measured } };

        var env = UiDeployment.Build(TestChats.Context(chat, "a100-80gb"))!.Spec.Template.Spec.Containers.Single().Env;

        env.Any(variable => variable.Name == UiDeployment.BuiltinToolsSwitch).Should().Be(metadataExpected);
    }

    [Fact]
    public void Build_KeepsTheUsersOwnModelMetadata()
    {
        var chat = TestChats.Chat();
        chat.Spec.Ui = new UiSpec { Env = [new() { Name = UiDeployment.BuiltinToolsSwitch, Value = "{\"capabilities\":{\"vision\":false}}" }] };

        var env = UiDeployment.Build(TestChats.Context(chat))!.Spec.Template.Spec.Containers.Single().Env;

        env.Where(variable => variable.Name == UiDeployment.BuiltinToolsSwitch).Should().ContainSingle().Which.Value.Should().Contain("vision");
    }

    [Fact]
    public void Build_CopiesTheImagesBundledDataOntoTheClaimWithoutOverwriting()
    {
        var pod = UiDeployment.Build(TestChats.Context(TestChats.Chat()))!.Spec.Template.Spec;

        var copy = pod.InitContainers.Single();
        copy.Image.Should().Be(pod.Containers.Single().Image);
        copy.VolumeMounts.Single().Name.Should().Be(pod.Containers.Single().VolumeMounts.Single().Name);
        var target = copy.VolumeMounts.Single().MountPath;
        target.Should().NotBe(UiDeployment.DataPath, "the image's own data folder is the source");
        copy.Command.Should().Equal("sh", "-c", $"cp -R -n {UiDeployment.DataPath}/. {target}/");
    }

    [Fact]
    public void Build_ReadyOnlyWhenOpenWebUiSaysItIs_AliveWhileItsProcessAnswers()
    {
        var container = UiDeployment.Build(TestChats.Context(TestChats.Chat()))!.Spec.Template.Spec.Containers.Single();

        container.ReadinessProbe.HttpGet.Path.Should().Be("/ready");
        container.LivenessProbe.HttpGet.Path.Should().Be("/health");
    }

    [Fact]
    public void Build_KeepsDataOnTheClaimWithOneReplica()
    {
        var deployment = UiDeployment.Build(TestChats.Context(TestChats.Chat()))!;

        deployment.Spec.Replicas.Should().Be(1);
        deployment.Spec.Strategy.Type.Should().Be("Recreate");
        deployment.Spec.Template.Spec.Volumes.Single().PersistentVolumeClaim.ClaimName.Should().Be("chat-ui-data");
        deployment.Spec.Template.Spec.Containers[0].VolumeMounts.Single().MountPath.Should().Be("/app/backend/data");
        deployment.Spec.Template.Spec.Containers[0].Image.Should().Be(OperatorDefaults.DefaultUiImage);
    }

    [Fact]
    public void Build_UiDisabled_BuildsNoUiObjects()
    {
        var chat = TestChats.Chat();
        chat.Spec.Ui = new UiSpec { Enabled = false };
        var context = TestChats.Context(chat);

        UiDeployment.Build(context).Should().BeNull();
        UiService.Build(context).Should().BeNull();
        Claims.UiData(context).Should().BeNull();
        UiService.Url(context).Should().BeNull();
    }

    [Fact]
    public void Ingress_WithTls_ServesTheHostOverHttps()
    {
        var chat = TestChats.Chat();
        chat.Spec.Ui = new UiSpec { Ingress = new UiIngressSpec { Enabled = true, Host = "chat.example.com", TlsSecretName = "chat-tls", ClassName = "nginx" } };
        var context = TestChats.Context(chat);

        var ingress = UiService.Ingress(context)!;

        ingress.Spec.Rules.Single().Host.Should().Be("chat.example.com");
        ingress.Spec.Tls.Single().SecretName.Should().Be("chat-tls");
        UiService.Url(context).Should().Be("https://chat.example.com/");
    }

    [Fact]
    public void Build_WithAdapters_PreselectsOnlyTheBaseModelAndFiltersNoModel()
    {
        var chat = TestChats.Chat();
        chat.Spec.Model.Adapters = [new() { Name = "sql", Source = "org/r1-sql" }];

        var env = UiDeployment.Build(TestChats.Context(chat))!.Spec.Template.Spec.Containers.Single().Env.ToDictionary(e => e.Name);

        // Every model in DEFAULT_MODELS joins each new chat, so an adapter there would answer every message too; the
        // adapters reach the model picker through the worker's /v1/models, which a per-connection model list would filter.
        env["DEFAULT_MODELS"].Value.Should().Be("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B");
        env.Keys.Should().NotContain(["OPENAI_API_CONFIGS", "OPENAI_API_BASE_URLS"]);
    }
}
