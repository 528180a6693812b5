using System.Net;
using System.Text.Json.Nodes;
using Parley.Testing;
using Parley.Worker.Hosting;

namespace Parley.Worker.Tests;

// The README's first worker command: `--model demo` needs nothing but the worker itself.
public sealed class DemoModelTests : IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("parley-demo-").FullName;

    [Fact]
    public async Task DemoModel_IsWrittenOnFirstUseAndAnswersAChat()
    {
        var port = LoopbackPort.Free();
        await using var app = WorkerApp.Build(new WorkerOptions { Model = "demo", DownloadDir = _cache, Host = "127.0.0.1", Port = port, MaxNumSeqs = 4 });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        for (var i = 0; i < 300 && (await http.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode != HttpStatusCode.OK; i++)
        {
            await Task.Delay(20);
        }

        using var response = await http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), new StringContent(
            """{"messages":[{"role":"user","content":"Hello"}],"stream":true,"max_tokens":4}""", System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        await app.StopAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().StartWith("data: {").And.EndWith("data: [DONE]\n\n");
        JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_cache, "parley-demo", "config.json")))!["model_type"]!.GetValue<string>().Should().Be("qwen2");
    }

    public void Dispose() => Directory.Delete(_cache, recursive: true);
}
