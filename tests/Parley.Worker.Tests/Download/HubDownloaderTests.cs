using System.Security.Cryptography;
using Parley.Worker.Download;

namespace Parley.Worker.Tests.Download;

public sealed class HubDownloaderTests : IDisposable
{
    private readonly DownloadFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task EnsureLocal_SingleFileModel_ReturnsSnapshotWithTheFilesTheWorkerNeeds()
    {
        var repo = FakeRepo.SingleFile("acme/tiny");
        await using var hub = await FakeHub.StartAsync(repo);

        var folder = await _fixture.DownloadAsync(hub, "acme/tiny");

        folder.Should().Be(Path.Combine(_fixture.CacheDirectory, "models--acme--tiny", "snapshots", repo.Commit));
        Directory.EnumerateFiles(folder).Select(Path.GetFileName).Should().BeEquivalentTo(
            "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors");
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            File.ReadAllBytes(file).Should().Equal(repo.Files[Path.GetFileName(file)], file);
        }
    }

    [Fact]
    public async Task EnsureLocal_Download_UsesHuggingFaceHubCacheLayout()
    {
        var repo = FakeRepo.SingleFile("acme/tiny");
        await using var hub = await FakeHub.StartAsync(repo);

        var folder = await _fixture.DownloadAsync(hub, "hf://acme/tiny@main");

        var repoFolder = Path.Combine(_fixture.CacheDirectory, "models--acme--tiny");
        File.ReadAllText(Path.Combine(repoFolder, "refs", "main")).Should().Be(repo.Commit);
        var weightsSha = Convert.ToHexStringLower(SHA256.HashData(repo.Files["model.safetensors"]));
        new FileInfo(Path.Combine(folder, "model.safetensors")).LinkTarget.Should().Be($"../../blobs/{weightsSha}");
        var configEtag = FakeRepo.GitEtag(repo.Files["config.json"]);
        new FileInfo(Path.Combine(folder, "config.json")).LinkTarget.Should().Be($"../../blobs/{configEtag}");
        Directory.EnumerateFiles(Path.Combine(repoFolder, "blobs")).Should().HaveCount(5).And.NotContain(f => f.EndsWith(".incomplete"));
    }

    [Fact]
    public async Task EnsureLocal_ShardedModel_DownloadsTheIndexAndEveryShardOnce()
    {
        var repo = FakeRepo.Sharded("acme/sharded", shardCount: 3);
        await using var hub = await FakeHub.StartAsync(repo);

        var folder = await _fixture.DownloadAsync(hub, "acme/sharded");

        foreach (var shard in new[] { 1, 2, 3 }.Select(i => $"model-{i:00000}-of-00003.safetensors"))
        {
            File.ReadAllBytes(Path.Combine(folder, shard)).Should().Equal(repo.Files[shard], shard);
            hub.Requests.Count(r => r.Method == "GET" && r.Path == $"/storage/acme/sharded/{shard}").Should().Be(1, shard);
        }

        File.Exists(Path.Combine(folder, "model.safetensors.index.json")).Should().BeTrue();
        hub.Requests.Should().NotContain(r => r.Path.EndsWith("README.md"));
    }

    [Fact]
    public async Task EnsureLocal_SecondRun_MakesNoFileRequests()
    {
        await using var hub = await FakeHub.StartAsync(FakeRepo.Sharded("acme/sharded", shardCount: 2));
        var first = await _fixture.DownloadAsync(hub, "acme/sharded");
        hub.Requests.Clear();

        var second = await _fixture.DownloadAsync(hub, "acme/sharded");

        second.Should().Be(first);
        hub.FileRequests.Should().BeEmpty();
    }

    [Fact]
    public async Task EnsureLocal_PinnedCommitAlreadyComplete_MakesNoRequestAtAll()
    {
        var repo = FakeRepo.SingleFile("acme/tiny");
        await using var hub = await FakeHub.StartAsync(repo);
        await _fixture.DownloadAsync(hub, "acme/tiny");
        hub.Requests.Clear();

        var folder = await _fixture.DownloadAsync(hub, $"acme/tiny@{repo.Commit}");

        folder.Should().EndWith(repo.Commit);
        hub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task EnsureLocal_Offline_UsesTheCachedSnapshotWithoutRequests()
    {
        var repo = FakeRepo.SingleFile("acme/tiny");
        await using var hub = await FakeHub.StartAsync(repo);
        var online = await _fixture.DownloadAsync(hub, "acme/tiny");
        hub.Requests.Clear();

        var offline = await HubDownloader.EnsureLocalAsync(
            ModelReference.Parse("acme/tiny"), _fixture.Options(hub) with { IsOffline = true }, _fixture.Logger, CancellationToken.None);

        offline.Should().Be(online);
        hub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task EnsureLocal_OfflineWithEmptyCache_FailsNamingHfHubOffline()
    {
        await using var hub = await FakeHub.StartAsync(FakeRepo.SingleFile("acme/tiny"));

        var download = () => HubDownloader.EnsureLocalAsync(
            ModelReference.Parse("acme/tiny"), _fixture.Options(hub) with { IsOffline = true }, _fixture.Logger, CancellationToken.None);

        await download.Should().ThrowAsync<HubDownloadException>().WithMessage("*HF_HUB_OFFLINE*");
        hub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task EnsureLocal_HubUnreachableWithCompleteCache_UsesTheCache()
    {
        string cached;
        await using (var hub = await FakeHub.StartAsync(FakeRepo.SingleFile("acme/tiny")))
        {
            cached = await _fixture.DownloadAsync(hub, "acme/tiny");
        }

        var gone = _fixture.Options(await StoppedHubAsync()) with { MaxAttemptCount = 2 };
        var folder = await HubDownloader.EnsureLocalAsync(ModelReference.Parse("acme/tiny"), gone, _fixture.Logger, CancellationToken.None);

        folder.Should().Be(cached);
    }

    [Fact]
    public async Task EnsureLocal_LocalFolder_ReturnsItWithoutTouchingTheCache()
    {
        var folder = await HubDownloader.EnsureLocalAsync(
            ModelReference.Parse(_fixture.CacheDirectory), new HubOptions { CacheDirectory = "/nonexistent" }, _fixture.Logger, CancellationToken.None);

        folder.Should().Be(_fixture.CacheDirectory);
    }

    [Fact]
    public async Task EnsureLocal_Download_LogsEachFileWithMegabytesAndRate()
    {
        await using var hub = await FakeHub.StartAsync(FakeRepo.SingleFile("acme/tiny"));

        await _fixture.DownloadAsync(hub, "acme/tiny");

        _fixture.Logger.Lines.Should().Contain(line => line.StartsWith("Downloaded model.safetensors: 0.3 MB in ") && line.EndsWith(" MB/s"));
        _fixture.Logger.Lines.Should().Contain(line => line.StartsWith("Using model acme/tiny at main"));
    }

    private static async Task<FakeHub> StoppedHubAsync()
    {
        var hub = await FakeHub.StartAsync();
        await hub.DisposeAsync();
        return hub;
    }
}
