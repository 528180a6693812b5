using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Engine.Models;
using Parley.Testing;
using Parley.Worker.Hosting;
using Parley.Worker.Serving;

namespace Parley.Worker.Tests.Download;

// `--model org/name` end to end: the worker downloads the checkpoint from the hub into the cache layout (snapshot files
// are symlinks into blobs/), loads it from there and answers.
public sealed class WorkerDownloadTests : IDisposable
{
    private readonly string _source = Directory.CreateTempSubdirectory("parley-hub-source-").FullName;
    private readonly string _cache = Directory.CreateTempSubdirectory("parley-hub-cache-").FullName;

    [Fact]
    public async Task HubModel_IsDownloadedLoadedFromItsSymlinkedSnapshotAndServed()
    {
        TinyModel.Write(_source, new TinyModelSpec(), seed: 5);
        var repo = new FakeRepo("parley/tiny-chat");
        foreach (var file in Directory.GetFiles(_source))
        {
            repo.Files[Path.GetFileName(file)] = await File.ReadAllBytesAsync(file);
        }

        await using var hub = await FakeHub.StartAsync(repo);
        var port = LoopbackPort.Free();
        var environment = new Dictionary<string, string> { ["HF_ENDPOINT"] = hub.Endpoint.ToString() };
        await using var app = WorkerApp.Build(
            new WorkerOptions { Model = "parley/tiny-chat", DownloadDir = _cache, Host = "127.0.0.1", Port = port, Device = "cpu", MaxNumSeqs = 4 },
            ModelFolders.Default(NullLogger.Instance, name => environment.GetValueOrDefault(name)));
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        for (var i = 0; i < 500 && (await http.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode != HttpStatusCode.OK; i++)
        {
            await Task.Delay(20);
        }

        using var response = await http.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent("""{"prompt":"hi","max_tokens":3}""", System.Text.Encoding.UTF8, "application/json"));
        await app.StopAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var weights = Path.Combine(_cache, "models--parley--tiny-chat", "snapshots", repo.Commit, Checkpoint.SingleFile);
        new FileInfo(weights).LinkTarget.Should().StartWith("../../blobs/");
    }

    [Fact]
    public async Task AHubLoraModule_IsDownloadedLikeTheBaseAndServedUnderItsName()
    {
        TinyModel.Write(_source, new TinyModelSpec(), seed: 5);
        var model = await RepoOfAsync("parley/tiny-chat", _source);
        using var adapter = new Parley.Testing.Models.TinyLoraFolder(_source);
        var lora = await RepoOfAsync("parley/tiny-chat-sql-lora", adapter.Path);
        await using var hub = await FakeHub.StartAsync(model, lora);
        var port = LoopbackPort.Free();
        var environment = new Dictionary<string, string> { ["HF_ENDPOINT"] = hub.Endpoint.ToString() };
        await using var app = WorkerApp.Build(
            new WorkerOptions
            {
                Model = "parley/tiny-chat", DownloadDir = _cache, Host = "127.0.0.1", Port = port, Device = "cpu", MaxNumSeqs = 4,
                EnableLora = true, LoraModules = [new LoraModulePath("sql", "parley/tiny-chat-sql-lora")],
            },
            ModelFolders.Default(NullLogger.Instance, name => environment.GetValueOrDefault(name)));
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        for (var i = 0; i < 500 && (await http.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode != HttpStatusCode.OK; i++)
        {
            await Task.Delay(20);
        }

        using var response = await http.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent("""{"model":"sql","prompt":"hi","max_tokens":3}""", System.Text.Encoding.UTF8, "application/json"));
        var models = await http.GetStringAsync(new Uri("/v1/models", UriKind.Relative));
        await app.StopAsync();

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        System.Text.Json.Nodes.JsonNode.Parse(body)!["model"]!.GetValue<string>().Should().Be("sql");
        var listed = System.Text.Json.Nodes.JsonNode.Parse(models)!["data"]!.AsArray().Single(m => m!["id"]!.GetValue<string>() == "sql")!;
        listed["root"]!.GetValue<string>().Should().StartWith(Path.Combine(_cache, "models--parley--tiny-chat-sql-lora", "snapshots"));
    }

    private static async Task<FakeRepo> RepoOfAsync(string id, string folder)
    {
        var repo = new FakeRepo(id);
        foreach (var file in Directory.GetFiles(folder))
        {
            repo.Files[Path.GetFileName(file)] = await File.ReadAllBytesAsync(file);
        }

        return repo;
    }

    public void Dispose()
    {
        Directory.Delete(_source, recursive: true);
        Directory.Delete(_cache, recursive: true);
    }
}
