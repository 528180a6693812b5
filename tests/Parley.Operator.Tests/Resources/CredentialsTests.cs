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

    [Fact]
    public void Desired_WorkerAndUiPodsCarryTheKeysChecksum_WhichFollowsTheKey()
    {
        var context = TestChats.Context(TestChats.Chat());
        string?[] Checksums(V1Secret? existing) => Desired.For(context, existing, TestChats.CountingKeys()).OfType<V1Deployment>()
            .Select(d => d.Spec.Template.Metadata.Annotations is { } a && a.TryGetValue(Credentials.ApiKeyChecksumAnnotation, out var c) ? c : null).ToArray();

        var first = Checksums(Existing("key-one"));
        var trailingNewline = Checksums(Existing("key-one\n"));
        var second = Checksums(Existing("key-two"));

        first.Should().HaveCount(2).And.OnlyContain(c => c == first[0] && c != null);
        first[0].Should().NotContain("key-one", "the annotation holds a digest, never the key");
        trailingNewline.Should().Equal(first, "the worker trims its key, so the same key must not restart anything");
        second[0].Should().NotBe(first[0], "a changed key must roll the worker and the UI out");
    }

    [Fact]
    public void Desired_UserNamedKeySecret_ChecksumFromThatSecret_NoneWhenItCannotBeRead()
    {
        var chat = TestChats.Chat();
        chat.Spec.Worker = new Parley.Api.Spec.WorkerSpec { ApiKeySecretRef = new V1SecretKeySelector { Name = "team-key", Key = "token" } };
        var context = TestChats.Context(chat);
        var user = new V1Secret { Data = new Dictionary<string, byte[]> { ["token"] = Encoding.UTF8.GetBytes("users-key") } };

        string? Checksum(V1Secret? userSecret) => Desired.For(context, null, TestChats.CountingKeys(), userSecret).OfType<V1Deployment>().First()
            .Spec.Template.Metadata.Annotations is { } a && a.TryGetValue(Credentials.ApiKeyChecksumAnnotation, out var c) ? c : null;

        Checksum(user).Should().Be(Credentials.Checksum("users-key"));
        Checksum(null).Should().BeNull();
    }

    private static V1Secret Existing(string apiKey) =>
        new() { Data = new Dictionary<string, byte[]> { ["api-key"] = Encoding.UTF8.GetBytes(apiKey), ["webui-secret-key"] = Encoding.UTF8.GetBytes("s") } };
}
