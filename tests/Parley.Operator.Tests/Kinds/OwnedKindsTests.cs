using Parley.Api;
using Parley.Api.Serialization;
using Parley.Operator.Kinds;
using Parley.Operator.Reconciliation;
using Parley.Operator.Resources;
using Parley.LocalCluster.Api;

namespace Parley.Operator.Tests.Kinds;

public class OwnedKindsTests
{
    // Every optional object on: model cache claim, inline template, UI with ingress, ServiceMonitor, the router (autoscaling).
    internal const string FullChat = """
        apiVersion: parley.dev/v1alpha1
        kind: ChatDeployment
        metadata:
          name: r1
          namespace: team-a
          uid: 7d1f2c9e-0000-4000-8000-000000000001
        spec:
          model:
            source: deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B
            chatTemplate:
              inline: "{% for m in messages %}{{ m.content }}{% endfor %}"
          worker:
            cache:
              size: 20Gi
            autoscaling:
              maxReplicas: 3
          ui:
            ingress:
              enabled: true
              host: chat.example.com
            persistence:
              retainOnDelete: false
          monitoring:
            serviceMonitor: auto
        """;

    [Fact]
    public void DesiredObjects_OfAChatWithEverythingOn_AreExactlyTheTablesNames()
    {
        var chat = Manifests.ReadAll<ChatDeployment>(FullChat, ChatDeployment.KindValue).Single();
        var context = TestChats.Context(chat, defaults: OperatorDefaults.Standard with { ServiceMonitorAvailable = true });

        var desired = Desired.For(context, existingCredentials: null, TestChats.CountingKeys()).Select(o => $"{o.Kind} {o.Metadata.Name}");
        var table = OwnedObjects.All(chat).Select(o => $"{o.Kind.Kind} {o.Name}");

        desired.Should().BeEquivalentTo(table, "what is applied must be what is deleted when no longer wanted, and nothing else");
    }

    [Fact]
    public void EveryDesiredObject_HasARowOfItsType()
    {
        var chat = Manifests.ReadAll<ChatDeployment>(FullChat, ChatDeployment.KindValue).Single();
        var context = TestChats.Context(chat, defaults: OperatorDefaults.Standard with { ServiceMonitorAvailable = true });

        foreach (var obj in Desired.For(context, existingCredentials: null, TestChats.CountingKeys()))
        {
            OwnedKinds.Of(obj).Kind.Should().Be(obj.Kind);
        }
    }

    [Fact]
    public void EveryRow_IsServedByTheInMemoryApiUnderTheSamePathAndKind()
    {
        var served = new ResourceTable();

        foreach (var kind in OwnedKinds.All)
        {
            var resource = served.Resolve(kind.Type);
            (resource.Group, resource.Version, resource.Plural, resource.Kind).Should()
                .Be((kind.Resource.Group, kind.Resource.Version, kind.Resource.Plural, kind.Kind));
        }
    }

    [Fact]
    public void EveryRow_SaysWhyItIsWatchedOrNot_AndReadsFromACacheOnlyWhenWatched()
    {
        foreach (var kind in OwnedKinds.All)
        {
            kind.Why.Should().NotBeNullOrWhiteSpace(kind.Kind);
            if (kind.ReadFrom == ReadSource.Cache)
            {
                kind.Watching.Should().NotBe(Watching.Never, $"{kind} is read from a cache");
            }
        }

        OwnedKinds.All.Select(kind => kind.Type).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Of_ATypeWithoutARow_SaysToAddOne()
    {
        var act = () => OwnedKinds.Of(typeof(k8s.Models.V1Job));

        act.Should().Throw<InvalidOperationException>().WithMessage("*not in the owned-kinds table*");
    }
}
