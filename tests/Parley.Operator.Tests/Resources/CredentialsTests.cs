using System.Text;
using k8s.Models;
using Parley.Api.Spec;
using Parley.Operator.Resources;

namespace Parley.Operator.Tests.Resources;

public class CredentialsTests
{
    [Fact]
    public void Build_GeneratesTheApiKeyTheUiSessionKeyAndTheAdminPassword()
    {
        var secret = Credentials.Build(TestChats.Context(TestChats.Chat()), existing: null, TestChats.CountingKeys())!;

        secret.Data.Keys.Should().Equal("api-key", "webui-secret-key", "webui-admin-password");
        Encoding.UTF8.GetString(secret.Data["api-key"]).Should().Be("test-key-1");
        Encoding.UTF8.GetString(secret.Data["webui-admin-password"]).Should().Be("test-key-3");
    }

    [Fact]
    public void Build_UiWithoutSignIn_HasNoAdminPassword()
    {
        var chat = TestChats.Chat();
        chat.Spec.Ui = new Parley.Api.Spec.UiSpec { Auth = false };

        Credentials.Build(TestChats.Context(chat), existing: null, TestChats.CountingKeys())!.Data.Keys.Should().Equal("api-key", "webui-secret-key");
    }

    [Fact]
    public void Build_KeepsValuesAlreadyInTheCluster()
    {
        var existing = new V1Secret { Data = new Dictionary<string, byte[]> { ["api-key"] = Encoding.UTF8.GetBytes("kept") } };

        var secret = Credentials.Build(TestChats.Context(TestChats.Chat()), existing, TestChats.CountingKeys())!;

        Encoding.UTF8.GetString(secret.Data["api-key"]).Should().Be("kept");
        Encoding.UTF8.GetString(secret.Data["webui-secret-key"]).Should().Be("test-key-1");
    }

    [Fact]
    public void Build_RetainedUiData_KeepsTheSecretToo()
    {
        var secret = Credentials.Build(TestChats.Context(TestChats.Chat()), null, TestChats.CountingKeys())!;

        secret.Metadata.OwnerReferences.Should().BeNull();
        secret.Metadata.Annotations.Should().Contain(Ownership.RetainAnnotation, "true");
    }

    [Fact]
    public void Build_DeletedWithTheChatWhenDataIsNotRetained()
    {
        var chat = TestChats.Chat();
        chat.Spec.Ui = new UiSpec { Persistence = new UiPersistenceSpec { RetainOnDelete = false } };

        var secret = Credentials.Build(TestChats.Context(chat), null, TestChats.CountingKeys())!;

        secret.Metadata.OwnerReferences.Single().Uid.Should().Be(TestChats.Uid);
        Claims.UiData(TestChats.Context(chat))!.Metadata.OwnerReferences.Should().ContainSingle();
    }

    [Fact]
    public void Build_UserKeyAndNoUi_NeedsNoSecret()
    {
        var chat = TestChats.Chat();
        chat.Spec.Worker = new WorkerSpec { ApiKeySecretRef = new V1SecretKeySelector { Name = "mine", Key = "k" } };
        chat.Spec.Ui = new UiSpec { Enabled = false };

        Credentials.Build(TestChats.Context(chat), null, TestChats.CountingKeys()).Should().BeNull();
    }

    [Fact]
    public void NewKey_IsRandomAndLong()
    {
        Credentials.NewKey().Should().HaveLength(64).And.NotBe(Credentials.NewKey());
    }
}
