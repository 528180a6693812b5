using k8s.Models;
using Parley.Operator.Resources;

namespace Parley.Operator.Tests.Resources;

public class OwnershipTests
{
    [Fact]
    public void Own_SetsTheControllerReference()
    {
        var service = WorkerService.Build(TestChats.Context(TestChats.Chat()));

        var owner = service.Metadata.OwnerReferences.Single();
        owner.Kind.Should().Be("ChatDeployment");
        owner.Uid.Should().Be(TestChats.Uid);
        owner.Controller.Should().BeTrue();
        owner.BlockOwnerDeletion.Should().BeTrue();
    }

    [Fact]
    public void SpecHash_IsStableAndIgnoresItsOwnAnnotation()
    {
        var first = WorkerDeployment.Build(TestChats.Context(TestChats.Chat()));
        var second = WorkerDeployment.Build(TestChats.Context(TestChats.Chat()));

        first.Metadata.Annotations[Ownership.SpecHashAnnotation].Should().Be(second.Metadata.Annotations[Ownership.SpecHashAnnotation]);
        Ownership.SpecHash(first).Should().Be(first.Metadata.Annotations[Ownership.SpecHashAnnotation]);
    }

    [Fact]
    public void SpecHash_ChangesWhenWhatWeSetChanges()
    {
        var deployment = WorkerDeployment.Build(TestChats.Context(TestChats.Chat()));
        var before = Ownership.SpecHash(deployment);

        deployment.Spec.Template.Spec.Containers[0].Args[^1] = "9000";

        Ownership.SpecHash(deployment).Should().NotBe(before);
    }

    [Fact]
    public void Labels_FitKubernetesLimitsForTheLongestValidName()
    {
        var chat = TestChats.Chat(name: new string('a', Parley.Api.Names.MaxChatDeploymentNameLength));
        var context = TestChats.Context(chat);

        foreach (var obj in Desired.For(context, null, TestChats.CountingKeys()))
        {
            obj.Metadata.Name.Length.Should().BeLessThanOrEqualTo(63, obj.Metadata.Name);
            obj.Metadata.Labels.Values.Should().OnlyContain(value => value.Length <= 63);
        }
    }
}
