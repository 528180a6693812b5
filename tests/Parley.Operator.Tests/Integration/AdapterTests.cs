// LoRA adapters through the real client code against the in-memory API: a ChatDeployment with adapters gets a worker
// started with them and a status that lists them; an invalid adapter blocks it with a message that says what to change.
using k8s.Models;
using Parley.Api;
using Parley.Api.Spec;

namespace Parley.Operator.Tests.Integration;

public class AdapterTests
{
    private const string Ns = "team-a";

    [Fact]
    public async Task Apply_WithAdapters_StartsTheWorkerWithThemAndListsThemInStatus()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml");
        var chat = OperatorTests.Chat();
        chat.Spec.Model.Adapters = [new() { Name = "sql", Source = "org/r1-sql-lora" }, new() { Name = "de", Source = "pvc://lora/r1/de" }];
        await harness.ApplyAsync(chat);

        var worker = await OperatorHarness.EventuallyAsync(() => harness.Api.Store.Get<V1Deployment>(Ns, "r1-worker"), _ => true, "the worker Deployment");
        worker.Spec.Template.Spec.Containers[0].Args.Should().ContainInConsecutiveOrder(
            "--enable-lora", "--lora-modules", "sql=org/r1-sql-lora", "de=/mnt/adapters/lora/r1/de", "--max-loras", "2", "--max-lora-rank", "16");
        worker.Spec.Template.Spec.Containers[0].Args.Should().ContainInConsecutiveOrder("--max-model-len", "57408");
        worker.Spec.Template.Spec.Volumes.Should().Contain(volume => volume.PersistentVolumeClaim != null && volume.PersistentVolumeClaim.ClaimName == "lora");

        var planned = await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Adapters is not null, "the adapters in status");
        planned.Status!.Adapters!.Select(adapter => adapter.Name).Should().Equal("sql", "de");
        planned.Status.Tuning!.AdapterBytes.Should().Be(73_859_072);
        planned.Status.Tuning.Reasons.Should().Contain(reason => reason.StartsWith("LoRA adapters: 2 declared", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Apply_AdapterNamedLikeTheModel_IsBlockedSayingToRenameIt()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml");
        var chat = OperatorTests.Chat();
        chat.Spec.Model.Adapters = [new() { Name = "assistant", Source = "org/r1-sql-lora" }];
        chat.Spec.Model.ServedName = "assistant";
        await harness.ApplyAsync(chat);

        var blocked = await OperatorHarness.EventuallyAsync(() => harness.Chat(Ns, "r1"), c => c.Status?.Phase == "Failed", "InvalidSpec");
        var ready = blocked.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        ready.Reason.Should().Be(ConditionReasons.InvalidSpec);
        ready.Message.Should().Contain("spec.model.adapters[0].name").And.Contain("rename the adapter");
        harness.Api.Store.Get<V1Deployment>(Ns, "r1-worker").Should().BeNull("nothing is rolled out for an invalid spec");
    }
}
