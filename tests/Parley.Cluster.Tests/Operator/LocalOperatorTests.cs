// The operator in-process on the local cluster, with a real worker: a ChatDeployment whose model is a checkpoint folder
// on this machine is planned from that folder's config.json, served, and measured (the closed loop reads the worker's
// report at the pod's own loopback port).
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Engine.Models;
using Parley.LocalCluster;
using Parley.Operator.Cli;
using Parley.Testing.Models;

namespace Parley.Cluster.Tests.Operator;

public sealed class LocalOperatorTests
{
    [Fact]
    public async Task ChatDeployment_OfALocalCheckpointFolder_IsPlannedServedAndMeasured()
    {
        using var checkpoint = new TinyCheckpointFolder(new TinyModelSpec { MaxPositionEmbeddings = 512 }, seed: 5);
        var chat = JsonNode.Parse($$"""
            { "apiVersion": "parley.dev/v1alpha1", "kind": "ChatDeployment", "metadata": { "name": "local" },
              "spec": { "model": { "source": "file://{{checkpoint.Path}}", "servedName": "tiny" }, "ui": { "enabled": false } } }
            """)!.AsObject();
        LocalCheckpoint.CompleteArchitecture(chat);
        await using var cluster = await LocalClusterHost.StartAsync();
        LocalOperator.Apply(cluster, [chat]);

        await using (LocalOperator.Start(cluster, NullLoggerFactory.Instance))
        {
            await Eventually.HoldsAsync(() => Status(cluster)?["measured"]?["kvCacheTokens"] is not null, () => Status(cluster)?.ToJsonString() ?? "no status");

            Status(cluster)!["tuning"]!["maxModelLen"]!.GetValue<int>().Should().Be(512, "the planner read max_position_embeddings from the folder's config.json");
            using var http = cluster.CreateServiceClient(TimeSpan.FromSeconds(60));
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("http://local-worker.default.svc:8000/v1/chat/completions"))
            {
                Content = JsonContent.Create(new { model = "tiny", messages = new[] { new { role = "user", content = "hi" } }, max_tokens = 3 }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", LocalOperator.ApiKey(cluster, "default", "local"));
            using var response = await http.SendAsync(request);
            response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync());
        }
    }

    private static JsonNode? Status(LocalClusterHost cluster) => cluster.Api.Store.Get("chatdeployments.parley.dev", "default", "local")?["status"];
}
