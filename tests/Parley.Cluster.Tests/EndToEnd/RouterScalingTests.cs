// Issue 16 end to end on the local cluster: the router in front of autoscaled workers, all real processes.
using System.Text.Json.Nodes;
using k8s.Models;
using Parley.Api.Contracts;
using Parley.Testing.Operator;

namespace Parley.Cluster.Tests.EndToEnd;

public sealed class RouterScalingTests
{
    private static string Chat(string name, string worker, string router = "") => $"""
        apiVersion: parley.dev/v1alpha1
        kind: ChatDeployment
        metadata:
          name: {name}
        spec:
          model:
            source: demo
          ui:
            enabled: false
          worker:
        {worker}
          router:
            enabled: true
        {router}
        """;

    [Fact]
    public async Task AtZeroReplicas_TheFirstRequestIsHeld_AWorkerStarts_AndTheRequestCompletes()
    {
        await using var chat = await LocalChatCluster.StartAsync(Chat("cold", """
                autoscaling:
                  minReplicas: 0
                  maxReplicas: 2
                  scaleToZeroAfter: 5s
            """, "    holdTimeout: 2m"));
        await Eventually.HoldsAsync(() => chat.RouterIsReady && chat.WorkerReplicas == 0 && chat.Workers.Count == 0, chat.Describe);

        using var response = await chat.ChatAsync([("user", "wake up")]);

        response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync());
        chat.ChatDeployment!["metadata"]!["annotations"]![ScaleFromZero.WakeAnnotation].Should().NotBeNull();
    }

    [Fact]
    public async Task LoadFrom32Clients_ScalesOut_AndBackAfterTheScaleDownDelay()
    {
        await using var chat = await LocalChatCluster.StartAsync(Chat("busy", """
                autoscaling:
                  minReplicas: 1
                  maxReplicas: 3
                  targetInFlightPerReplica: 4
                  scaleDownDelay: 2s
            """));
        await Eventually.HoldsAsync(() => chat.RouterIsReady && chat.Workers.Count(pod => pod.State.IsReady) == 1, chat.Describe);
        using var load = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 32).Select(i => chat.KeepChattingAsync($"client {i}", load.Token)).ToList();

        await Eventually.HoldsAsync(() => chat.WorkerReplicas >= 2, chat.Describe);
        var peak = chat.WorkerReplicas;
        await load.CancelAsync();
        await Task.WhenAll(clients);

        peak.Should().BeInRange(2, 3);
        await Eventually.HoldsAsync(() => chat.WorkerReplicas == 1 && chat.Workers.Count == 1, chat.Describe);
    }

    [Fact]
    public async Task AWorkerKilledMidStream_EndsItsStreamsCleanly_AndNewRequestsGoToTheOther()
    {
        await using var chat = await LocalChatCluster.StartAsync(Chat("sturdy", "    replicas: 2"));
        await Eventually.HoldsAsync(async () => await chat.WorkersReadyAtRouterAsync() == 2, chat.Describe);
        using var stream = await chat.ChatAsync([("user", "tell me a long story")], maxTokens: 4000, isStream: true, ignoreEos: true);
        stream.IsSuccessStatusCode.Should().BeTrue();
        var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        (await reader.ReadLineAsync()).Should().StartWith("data:", "the first event arrived");
        var serving = await chat.WorkerRunningARequestAsync();

        System.Diagnostics.Process.GetProcessById(serving.ProcessId!.Value).Kill();

        var rest = await ReadToEndOrFailureAsync(reader);
        rest.Should().NotContain("data: [DONE]", "a stream whose worker died ends without claiming completion");
        for (var i = 0; i < 3; i++)
        {
            using var after = await chat.ChatAsync([("user", $"still there {i}")]);
            after.IsSuccessStatusCode.Should().BeTrue(await after.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task AMultiTurnConversation_StaysOnOneReplica()
    {
        await using var chat = await LocalChatCluster.StartAsync(Chat("sticky", "    replicas: 2"));
        await Eventually.HoldsAsync(async () => await chat.WorkersReadyAtRouterAsync() == 2, chat.Describe);
        var turns = new List<(string Role, string Content)> { ("system", "You are terse."), ("user", "first question") };

        for (var turn = 0; turn < 5; turn++)
        {
            using var response = await chat.ChatAsync(turns);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            response.IsSuccessStatusCode.Should().BeTrue(body.ToJsonString());
            turns.Add(("assistant", body["choices"]![0]!["message"]!["content"]!.GetValue<string>()));
            turns.Add(("user", $"follow-up {turn}"));
        }

        var counts = new List<double>();
        foreach (var worker in chat.Workers)
        {
            counts.Add(await chat.FinishedRequestsAsync(worker));
        }

        counts.Should().BeEquivalentTo([5.0, 0.0], "every turn shares the conversation's opening, so the router keeps it where its prefix is cached");
    }

    private static async Task<string> ReadToEndOrFailureAsync(StreamReader reader)
    {
        try
        {
            return await reader.ReadToEndAsync();
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return ""; // the connection broke: a clean failure for a client
        }
    }
}
